import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspectK6Thresholds, runK6Process } from './k6-process';
import type { Engine, EngineAvailability, EngineEnv, EngineResult, EngineRunOptions } from './types';

/** `harness/bin/harness.mjs`: the builtin engine's entry (`harness k6 run ...`). */
export const HARNESS_BIN = fileURLToPath(new URL('../bin/harness.mjs', import.meta.url));

/** Node flags the engine process runs with (see docs/engine-runtime.md, "Memory"). */
export const BUILTIN_ENGINE_NODE_ARGS: readonly string[] = [];

export interface BuiltinEngineOptions {
  /** Node executable (default: the one running the harness). */
  nodePath?: string;
  /** Entry script (default HARNESS_BIN). */
  binPath?: string;
}

/**
 * The harness's own k6-compatible engine, run as `node harness/bin/harness.mjs k6 run ...` in a
 * child process, exactly as real k6 would be: same flags, same outputs, same exit codes, same
 * signal handling, and its memory is not the harness's.
 */
export class BuiltinEngine implements Engine {
  readonly key = 'builtin';
  readonly description = 'the built-in k6-compatible engine (node harness/bin/harness.mjs k6 run)';
  readonly runnersLifecycle = true;
  readonly #node: string;
  readonly #bin: string;

  constructor(o: BuiltinEngineOptions = {}) {
    this.#node = o.nodePath ?? process.execPath;
    this.#bin = o.binPath ?? HARNESS_BIN;
  }

  async available(_env: EngineEnv): Promise<EngineAvailability> {
    if (!existsSync(this.#bin)) {
      return { ok: false, reason: `${this.#bin} is missing`, hint: 'reinstall the harness package' };
    }
    return { ok: true, path: this.#bin, version: `harness ${harnessVersion()} (k6 v0.48-compatible)`, reason: 'always available (runs in Node)' };
  }

  inspectThresholds(opts: Pick<EngineRunOptions, 'scriptPath' | 'args' | 'cwd' | 'env'>): Promise<unknown> {
    return inspectK6Thresholds(this.#node, [this.#bin, 'k6'], opts);
  }

  run(opts: EngineRunOptions): Promise<EngineResult> {
    // `harness run` judges unmatched thresholds itself (with gate.optionalThresholds): the child keeps k6's behaviour
    return runK6Process(this.key, this.#node, [...BUILTIN_ENGINE_NODE_ARGS, this.#bin, 'k6'], { ...opts, env: { ...opts.env, HARNESS_K6_FAIL_ON_UNMATCHED_THRESHOLDS: undefined } });
  }
}

function harnessVersion(): string {
  try {
    return JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
