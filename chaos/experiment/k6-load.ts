import type { Writable } from 'node:stream';
import { ExitCode, HarnessError } from '../../harness/errors';
import type { Engine, EngineEnv, EngineResult } from '../../harness/engines';
import { readK6Stream, samplesFromPoints } from './k6-stream';
import type { LoadDriver, LoadResult, LoadStartOptions, RunningLoad } from './load';

export interface K6LoadOptions {
  /** A harness engine (`resolveEngine('auto')`: real k6 when installed, else builtin). */
  engine: Engine;
  /** The compiled scenario bundle (`compileScenario`). */
  scriptPath: string;
  /** Where the engine writes its k6 JSON stream (`--out json=`), e.g. `<runDir>/k6.ndjson`. */
  outJsonPath: string;
  summaryExportPath?: string;
  /** Engine working directory and process environment. */
  cwd: string;
  env: EngineEnv;
  /**
   * `--env` for the script (the user's `--env`, `HARNESS_SEED`, ...). `BASE_URL` and
   * `HARNESS_DURATION` are always set by the driver; `HARNESS_RATE` / `HARNESS_VUS` only when
   * given here or through `rate` / `vus`.
   */
  scriptEnv?: Record<string, string>;
  tags?: Record<string, string>;
  /** Arrival rate (iterations/s) for the scenario unless `scriptEnv.HARNESS_RATE` is set. */
  rate?: number;
  /** Peak VUs (`HARNESS_VUS`: maxVUs for arrival-rate scenarios). */
  vus?: number;
  stdout?: Writable;
  stderr?: Writable;
  /** The engine process was spawned (record it for the watchdog / reap). */
  onStart?: (pid: number) => void;
  /** Without a progress line by then, the timeline starts anyway (default 30 s). */
  readyTimeoutMs?: number;
  /** After the planned duration, how long a graceful stop may take before SIGINT (default 20 s: k6 gracefulStop + summary). */
  finishGraceMs?: number;
}

/** Go-style duration of whole milliseconds (`15s`, `15333ms`). */
function k6Duration(ms: number): string {
  const r = Math.max(1, Math.round(ms));
  return r % 1000 === 0 ? `${r / 1000}s` : `${r}ms`;
}

/**
 * The experiment's k6 scenario as background load: the harness engine runs the compiled bundle
 * against `targetUrl` for the whole timeline (`HARNESS_DURATION`; the catalog scenarios scale
 * their executors to it), writing the k6 JSON stream. Thresholds are the experiment's, per
 * phase, so the engine runs with `--no-thresholds`.
 *
 *   start() ─▶ engine.run (child process) ─▶ first progress line: ready = now - elapsed
 *   stop({graceful}) ─▶ wait for the engine to end (or SIGINT) ─▶ read k6.ndjson ─▶ LoadResult
 */
export class K6Load implements LoadDriver {
  constructor(private readonly o: K6LoadOptions) {}

  start(opts: LoadStartOptions): RunningLoad {
    const o = this.o;
    // Journal time <-> wall clock: k6 stamps Points with wall-clock time.
    const epochAtZero = Date.now() - opts.now();
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    opts.signal.addEventListener('abort', onAbort, { once: true });
    if (opts.signal.aborted) ctl.abort();

    let resolveReady!: (t: number) => void;
    const ready = new Promise<number>((r) => (resolveReady = r));
    const readyTimer = setTimeout(() => resolveReady(opts.now()), o.readyTimeoutMs ?? 30_000);
    const scriptEnv: Record<string, string> = {
      ...(o.rate !== undefined ? { HARNESS_RATE: String(o.rate) } : {}),
      ...(o.vus !== undefined ? { HARNESS_VUS: String(o.vus) } : {}),
      ...o.scriptEnv,
      BASE_URL: opts.targetUrl,
      HARNESS_DURATION: k6Duration(opts.durationMs),
    };
    const running: Promise<EngineResult> = o.engine
      .run({
        scriptPath: o.scriptPath,
        args: {
          overrideVia: 'env',
          env: scriptEnv,
          tags: o.tags,
          outJsonPath: o.outJsonPath,
          summaryExportPath: o.summaryExportPath,
          extraArgs: ['--no-thresholds'],
        },
        cwd: o.cwd,
        env: o.env,
        signal: ctl.signal,
        killTimeoutMs: 15_000,
        stdout: o.stdout,
        stderr: o.stderr,
        onStart: o.onStart,
        onProgress: (p) => resolveReady(opts.now() - p.elapsedMs),
      })
      .finally(() => {
        clearTimeout(readyTimer);
        resolveReady(opts.now());
      });
    running.catch(() => {}); // observed in stop()

    return {
      ready,
      async stop({ graceful = false } = {}): Promise<LoadResult> {
        let grace: NodeJS.Timeout | undefined;
        if (graceful) {
          grace = setTimeout(() => ctl.abort(), o.finishGraceMs ?? 20_000);
        } else ctl.abort();
        let result: EngineResult;
        try {
          result = await running;
        } finally {
          clearTimeout(grace);
          opts.signal.removeEventListener('abort', onAbort);
        }
        const ok = result.exitCode === ExitCode.Ok || result.exitCode === ExitCode.ThresholdsFailed || (result.interrupted && result.exitCode === ExitCode.ExternalAbort);
        if (!ok) {
          throw new HarnessError(`background load (${o.engine.key} engine) failed with exit code ${result.exitCode}${result.killedBy ? ` (${result.killedBy})` : ''}`, {
            exitCode: result.exitCode === ExitCode.ScriptException || result.exitCode === ExitCode.InvalidConfig ? (result.exitCode as ExitCode) : ExitCode.InfraFailure,
            hint: `see the engine's output in the run directory (logs/k6.log); the scenario alone: harness run <scenario> --duration 5s`,
          });
        }
        const stream = readK6Stream(o.outJsonPath, (epoch) => epoch - epochAtZero);
        return { samples: samplesFromPoints(stream.points), stream: { types: stream.types, points: stream.points }, streamFile: o.outJsonPath };
      },
    };
  }
}
