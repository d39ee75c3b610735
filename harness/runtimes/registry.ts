import { Registry } from '../../vocabulary';
import { InvalidConfigError } from '../errors';
import type { Runtime } from './types';

/** What a runtime factory receives: the resolved harness configuration (images, ports, ...). */
export interface RuntimeFactoryContext {
  /** Resolved `harness.config.ts` (see harness/config). Typed loosely here to avoid a cycle. */
  config: import('../config/schema').HarnessConfig;
}

export type RuntimeFactory = (ctx: RuntimeFactoryContext) => Runtime | Promise<Runtime>;

interface Entry {
  name: string;
  description: string;
  factory: RuntimeFactory;
}

/**
 * Runtimes by name. Registering a name twice throws; an unknown name throws listing the valid
 * ones. `auto` is not an entry: `resolveRuntime` picks docker when it is registered and
 * available, else local.
 */
export class RuntimeRegistry {
  readonly #entries = new Registry<Entry>({ kind: 'runtime', reserved: ['auto'], error: (m) => new InvalidConfigError(m) });

  register(name: string, description: string, factory: RuntimeFactory): this {
    this.#entries.register(name, { name, description, factory });
    return this;
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  names(): string[] {
    return this.#entries.keys();
  }

  list(): Array<{ name: string; description: string }> {
    return this.#entries.values().map(({ name, description }) => ({ name, description }));
  }

  async create(name: string, ctx: RuntimeFactoryContext): Promise<Runtime> {
    return this.#entries.get(name).factory(ctx);
  }
}
