import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Registry } from '../../vocabulary';
import type { HarnessConfig } from '../config';
import { InvalidConfigError } from '../errors';
import { influxdbOutput } from '../outputs/influxdb';
import type { TargetFeed } from '../target-sampling';

/** What an output's hooks get from the run session. */
export interface RunOutputContext {
  runId: string;
  /** The run directory. */
  runDir: string;
  cwd: string;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  /**
   * `onEngineStart` only: the target under load; `feed` is the run's one target sampler (one
   * scrape a second, also written to `target.ndjson`), absent on the `external` runtime.
   */
  target?: { runtime: string; gatewayUrl: string; redisUrl?: string; feed?: TargetFeed };
}

/**
 * Where a run's samples go besides the run directory, and the run session's plug point for
 * everything that consumes a finished run (InfluxDB streaming, reports, gates). Keys are
 * validated before anything starts; every hook is optional.
 *
 * Contract: hooks are called by the run session, never concurrently; a hook that throws fails
 * the run with the error's exit code (after teardown), it never leaves the stack running.
 */
export interface RunOutput {
  readonly name: string;
  /** Throws InvalidConfigError when this output cannot be used (checked before the run starts). */
  check(): void;
  /** Whether the engine must write the k6 JSON stream at all (default true; `none` says no). */
  readonly wantsSamples?: boolean;
  /**
   * An engine step is about to start; `file` (`samples.ndjson`) grows while it runs, so a
   * streaming output (InfluxDB) tails it from here until `onSamplesFile`.
   */
  onEngineStart?(file: string, ctx: RunOutputContext): Promise<void> | void;
  /** The engine exited; `file` is its complete k6 JSON stream (`samples.ndjson`). */
  onSamplesFile?(file: string, ctx: RunOutputContext): Promise<void> | void;
  /**
   * The run is over and torn down; returns a new exit code to override the verdict (a gate),
   * or nothing to keep it.
   */
  afterRun?(result: { code: number; info: Readonly<Record<string, unknown>> }, ctx: RunOutputContext): Promise<number | void> | number | void;
}

type Factory = (arg: string | undefined) => RunOutput;

/** The harness's `--out` destinations (not the engine's k6 output types: those are `K6OutputRegistry`). */
export class RunOutputRegistry extends Registry<Factory> {
  constructor() {
    super({ kind: 'output', error: (m) => new InvalidConfigError(m) });
  }
  names(): string[] {
    return this.keys();
  }
  /** `spec` is `name` or `name=argument` (`json=out/samples.ndjson`), as k6's `--out`. */
  create(spec: string): RunOutput {
    const eq = spec.indexOf('=');
    const name = eq < 0 ? spec : spec.slice(0, eq);
    return this.get(name)(eq < 0 ? undefined : spec.slice(eq + 1));
  }
}

/**
 * `json`: the k6 JSON stream stays in the run directory (`samples.ndjson`, always, with any
 * output but `none`); `json=PATH` also copies it to PATH (relative to the working directory)
 * when the engine is done.
 */
function jsonOutput(path: string | undefined): RunOutput {
  return {
    name: path === undefined ? 'json' : `json=${path}`,
    check() {
      if (path === '') throw new InvalidConfigError('json= needs a file path (or plain `json`)');
      if (path === '-') throw new InvalidConfigError('json=- (stdout) is not supported by `harness run`', [], { hint: 'the stream is in the run directory: samples.ndjson' });
    },
    async onSamplesFile(file, ctx) {
      if (path === undefined) return;
      const to = resolve(ctx.cwd, path);
      await mkdir(dirname(to), { recursive: true });
      await copyFile(file, to);
      ctx.log(`  samples copied to ${path}`);
    },
  };
}

/** `config`: what outputs are configured with (`influxdb` settings). */
export function builtinRunOutputs(config?: Pick<HarnessConfig, 'influxdb'>): RunOutputRegistry {
  return new RunOutputRegistry()
    .register('json', jsonOutput)
    .register('none', (arg) => ({
      name: 'none',
      wantsSamples: false,
      check() {
        if (arg !== undefined) throw new InvalidConfigError('none takes no argument');
      },
    }))
    .register('influxdb', (arg) => {
      if (!config) throw new InvalidConfigError('influxdb needs the resolved configuration', [], { hint: 'builtinRunOutputs(config) (a bug: please report)' });
      return influxdbOutput(arg, config.influxdb) satisfies RunOutput;
    });
}

/** Resolves and checks every requested output; all problems at once. */
export function checkOutputs(specs: string[], registry = builtinRunOutputs()): RunOutput[] {
  const problems: string[] = [];
  const out: RunOutput[] = [];
  for (const s of specs) {
    try {
      const o = registry.create(s);
      o.check();
      out.push(o);
    } catch (e) {
      const err = e as InvalidConfigError;
      problems.push(`--out ${s}: ${err.message}${err.hint ? ` (${err.hint})` : ''}`);
    }
  }
  if (out.some((o) => o.wantsSamples === false) && specs.length > 1) problems.push(`--out none: cannot be combined with other outputs (${specs.join(', ')})`);
  if (problems.length) throw new InvalidConfigError('invalid outputs', problems);
  return out;
}

/** Whether the engine writes the k6 JSON stream: yes unless the only output is `none`. */
export function wantsSamples(outputs: readonly RunOutput[]): boolean {
  return !outputs.some((o) => o.wantsSamples === false);
}
