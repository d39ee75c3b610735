import { Registry } from '../../vocabulary';
import { InfraError, InvalidConfigError } from '../errors';
import type { Engine, EngineAvailability, EngineEnv } from './types';

export type EngineFactory = () => Engine;

export interface ResolvedEngine {
  engine: Engine;
  availability: EngineAvailability;
  /** What was asked for (`auto`, `k6`, `builtin`). */
  requested: string;
  /** One line for the run log: which engine and why. */
  why: string;
}

/**
 * Engines by key. Registering a key twice throws; an unknown key throws listing the valid ones.
 * `auto` is not an entry: it picks the first available engine in `autoOrder` (real k6 first:
 * when it is installed it is the reference implementation).
 */
export class EngineRegistry {
  readonly #entries = new Registry<EngineFactory>({ kind: 'engine', reserved: ['auto'], error: (m) => new InvalidConfigError(m) });
  #autoOrder: string[] = [];

  register(key: string, factory: EngineFactory, opts: { auto?: boolean } = {}): this {
    this.#entries.register(key, factory);
    if (opts.auto !== false) this.#autoOrder.push(key);
    return this;
  }

  keys(): string[] {
    return this.#entries.keys();
  }

  /** Valid values of `--engine`. */
  selections(): string[] {
    return this.#entries.selections();
  }

  get(key: string): Engine {
    return this.#entries.get(key)();
  }

  /**
   * `auto`: the first available engine in registration order. A named engine must be available,
   * else InfraError with its reason and hint (never a silent fallback: the user asked for it).
   */
  async resolve(selection: string, env: EngineEnv): Promise<ResolvedEngine> {
    if (selection !== 'auto') {
      const engine = this.get(selection);
      const availability = await engine.available(env);
      if (!availability.ok) {
        throw new InfraError(`engine "${selection}" is not available: ${availability.reason ?? 'unknown reason'}`, { hint: availability.hint });
      }
      return { engine, availability, requested: selection, why: `${selection} ${availability.version ?? ''} (requested)`.replace(/ {2}/, ' ') };
    }
    const skipped: string[] = [];
    for (const key of this.#autoOrder) {
      const engine = this.get(key);
      const availability = await engine.available(env);
      if (availability.ok) {
        const because = skipped.length ? `; ${skipped.join('; ')}` : '';
        return { engine, availability, requested: 'auto', why: `auto: ${key} ${availability.version ?? ''} (${availability.reason ?? 'available'})${because}` };
      }
      skipped.push(`${key} skipped: ${availability.reason ?? 'unavailable'}`);
    }
    throw new InfraError(`no engine is available (${skipped.join('; ')})`);
  }
}
