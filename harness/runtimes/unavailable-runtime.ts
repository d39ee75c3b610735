import { InfraError } from '../errors';
import type { Availability, Runtime, RuntimeName } from './types';

/** Null object for a runtime that is registered but cannot run in this build. */
export class UnavailableRuntime implements Runtime {
  constructor(
    readonly name: RuntimeName,
    private readonly reason: string,
    private readonly hint: string,
  ) {}
  async available(): Promise<Availability> {
    return { ok: false, reason: `${this.reason}; ${this.hint}` };
  }
  async start(): Promise<never> {
    throw new InfraError(`runtime ${this.name}: ${this.reason}`, { hint: this.hint });
  }
}
