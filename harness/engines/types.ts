import type { Writable } from 'node:stream';

/**
 * A load engine runs one compiled scenario bundle and produces k6's artifacts: the `--out json`
 * line stream, the end-of-test summary on stdout, the `--summary-export` file, and k6's exit code.
 *
 *   compileScenario() ─▶ bundle.js ─▶ Engine.run() ─▶ child process (real k6 | node harness k6 run)
 *                                         │  SIGINT on abort, SIGKILL after killTimeoutMs
 *                                         └─▶ EngineResult { exitCode, outJsonPath, summaryExportPath }
 *
 * Both engines run as a child process, so an engine's memory, event loop and signal handling
 * are isolated from the harness exactly the same way.
 */
export type EngineEnv = Record<string, string | undefined>;

export interface EngineAvailability {
  ok: boolean;
  /** e.g. `v0.48.0` for k6; the harness version for builtin. */
  version?: string;
  /** Executable that will be spawned. */
  path?: string;
  /** Why it is not available (when !ok), or how it was found. */
  reason?: string;
  /** What to do about it. */
  hint?: string;
}

export interface EngineRunArgs {
  /** Peak VUs for the run (`harness run --vus`). See `overrideVia`. */
  vus?: number;
  /** Total duration (`harness run --duration`), a k6 duration string such as `30s`. */
  duration?: string;
  /**
   * How `vus`/`duration` reach the script. `env` (default): as `--env HARNESS_VUS=..`
   * `--env HARNESS_DURATION=..`, which catalog scenarios read to scale their own executors
   * (k6's `--vus`/`--duration` would replace a script's `scenarios` with one default scenario).
   * `flags`: as k6's own `--vus`/`--duration`, for plain scripts that do not read HARNESS_*
   * (see `CompileResult.readsHarnessOverrides`).
   */
  overrideVia?: 'env' | 'flags';
  /** `--env K=V` for each entry (becomes `__ENV`). */
  env?: Record<string, string>;
  /** `--tag K=V` for each entry (test-wide tags). */
  tags?: Record<string, string>;
  /** `--out json=<path>` */
  outJsonPath?: string;
  /** `--summary-export <path>` */
  summaryExportPath?: string;
  /** `--quiet`: no progress bar (then onProgress receives nothing). */
  quiet?: boolean;
  /** `--no-summary` */
  noSummary?: boolean;
  /** `--summary-mode compact|full|disabled|legacy` (k6 v1+; the built-in engine takes all four). */
  summaryMode?: string;
  /** `--secret-source TYPE=CONFIG`, each (k6 v1.0+; k6/secrets). */
  secretSources?: string[];
  /** More k6 `run` flags, passed verbatim before the script path. */
  extraArgs?: string[];
}

/** A parsed k6 progress line (`running (00m01.0s), 3/6 VUs, 23 complete and 0 interrupted iterations`). */
export interface EngineProgress {
  elapsedMs: number;
  vus: number;
  maxVus: number;
  iterationsComplete: number;
  iterationsInterrupted: number;
  /** Per-scenario completion 0..1 from the lines under the `running` line, when printed. */
  scenarios: Record<string, number>;
}

export interface EngineRunOptions {
  /** The compiled bundle (`CompileResult.bundlePath`). */
  scriptPath: string;
  args: EngineRunArgs;
  /** Working directory of the engine process (relative paths in args resolve against it). */
  cwd: string;
  /** Environment of the engine process (k6 copies it into `__ENV`); undefined values are dropped. */
  env: EngineEnv;
  /**
   * Aborting sends SIGINT to the engine (k6: graceful stop, teardown, summary, exit 105) and
   * escalates to SIGKILL after `killTimeoutMs`.
   */
  signal?: AbortSignal;
  /** Default 30 s. */
  killTimeoutMs?: number;
  /** Engine stdout (summary, progress) is copied here; discarded when absent. */
  stdout?: Writable;
  /** Engine stderr (logs, errors) is copied here; discarded when absent. */
  stderr?: Writable;
  /** Called for every progress line the engine prints. Never throws into the engine. */
  onProgress?: (p: EngineProgress) => void;
  /**
   * Called once with the engine process's pid (also its process-group id) right after it is
   * spawned, so callers can record it for the watchdog / `harness reap` (a SIGKILLed harness
   * runs no exit handler).
   */
  onStart?: (pid: number) => void;
}

export interface EngineResult {
  /** Engine key (`k6` | `builtin`). */
  engine: string;
  /** k6's code: 0 ok, 99 thresholds, 104 invalid config, 105 interrupted, 107 script error, 108 aborted. */
  exitCode: number;
  /** The engine's own exit code when it differs in meaning from ours (real k6: `mapK6ExitCode`). */
  engineExitCode?: number;
  /** The JSON stream, when the engine wrote it. */
  outJsonPath?: string;
  /** The summary export, when the engine wrote it. */
  summaryExportPath?: string;
  /** The run was stopped through `signal`. */
  interrupted: boolean;
  /** Set when the process died of a signal (SIGKILL after the timeout, or from outside). */
  killedBy?: NodeJS.Signals;
  durationMs: number;
  /** Process id (and process-group id) of the engine process, for leak checks; undefined if it never started. */
  pid?: number;
}

/** Contract: `run` may be called several times, never concurrently on one instance by the harness. */
export interface Engine {
  readonly key: string;
  readonly description: string;
  available(env: EngineEnv): Promise<EngineAvailability>;
  run(opts: EngineRunOptions): Promise<EngineResult>;
  /**
   * The script's consolidated `thresholds` option as the engine sees it with these args and env
   * (`k6 inspect`): what `--runners` judges over the merged streams when the script computes its
   * thresholds at init time. Undefined when the engine cannot say.
   */
  inspectThresholds?(opts: Pick<EngineRunOptions, 'scriptPath' | 'args' | 'cwd' | 'env'>): Promise<unknown>;
  /**
   * Throws an InvalidConfigError (exit 104) when this engine cannot honour the args (a flag its
   * version lacks): called before anything starts. Absent: every arg is taken.
   */
  checkArgs?(args: EngineRunArgs, env: EngineEnv): Promise<void>;
  /**
   * The engine takes the harness's `--lifecycle-for DIR` / `--setup-from DIR` (runners-protocol.ts):
   * with `--runners N`, setup(), teardown() and handleSummary() then run once for all runners.
   */
  readonly runnersLifecycle?: boolean;
}
