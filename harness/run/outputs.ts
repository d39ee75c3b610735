import { InvalidConfigError } from '../errors';

/**
 * Where a run's samples go besides the run directory (the k6 JSON stream is always kept there).
 * Keys are validated before anything starts; `influxdb` is a roadmap entry that explains itself.
 */
export interface RunOutput {
  readonly name: string;
  /** Throws InvalidConfigError when this output cannot be used (checked before the run starts). */
  check(): void;
}

type Factory = () => RunOutput;

export class OutputRegistry {
  #entries = new Map<string, Factory>();
  register(name: string, factory: Factory): this {
    if (this.#entries.has(name)) throw new Error(`output "${name}" is already registered`);
    this.#entries.set(name, factory);
    return this;
  }
  names(): string[] {
    return [...this.#entries.keys()];
  }
  create(name: string): RunOutput {
    const f = this.#entries.get(name);
    if (!f) throw new InvalidConfigError(`unknown output "${name}"; valid: ${this.names().join(', ')}`);
    return f();
  }
}

const noop = (name: string): RunOutput => ({ name, check() {} });

export function builtinOutputs(): OutputRegistry {
  return new OutputRegistry()
    .register('json', () => noop('json'))
    .register('none', () => noop('none'))
    .register('influxdb', () => ({
      name: 'influxdb',
      check() {
        throw new InvalidConfigError('--out influxdb is not yet available', [], {
          hint: 'use --out json (the k6 JSON stream is always kept in the run directory: samples.ndjson); InfluxDB streaming is on the roadmap (see docs/cli.md)',
        });
      },
    }));
}

/** Resolves and checks every requested output; all problems at once. */
export function checkOutputs(names: string[], registry = builtinOutputs()): RunOutput[] {
  const problems: string[] = [];
  const out: RunOutput[] = [];
  for (const n of names) {
    try {
      const o = registry.create(n);
      o.check();
      out.push(o);
    } catch (e) {
      const err = e as InvalidConfigError;
      problems.push(`--out ${n}: ${err.message}${err.hint ? ` (${err.hint})` : ''}`);
    }
  }
  if (problems.length) throw new InvalidConfigError('invalid outputs', problems);
  return out;
}
