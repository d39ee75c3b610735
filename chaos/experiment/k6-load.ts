import { formatDuration } from '../../vocabulary';
import { ExitCode, HarnessError } from '../../harness/errors';
import { readK6Stream, samplesFromPoints } from './k6-stream';
import type { LoadDriver, LoadResult, LoadStartOptions, RunningLoad } from './load';
import type { LoadEngine } from './types';

export interface K6LoadOptions {
  /**
   * Runs the compiled scenario and writes the k6 JSON stream: the run session's engine step
   * (`started.engine(engine, { stdout: log, stderr: log })`), which records the engine's pid,
   * prints live stats and knows the run directory's paths.
   */
  engine: LoadEngine;
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
  /** Without a progress line by then, the timeline starts anyway (default 30 s). */
  readyTimeoutMs?: number;
  /** After the planned duration, how long a graceful stop may take before SIGINT (default 20 s: k6 gracefulStop + summary). */
  finishGraceMs?: number;
}

/**
 * The experiment's k6 scenario as background load: the session's engine step runs the compiled bundle
 * against `targetUrl` for the whole timeline (`HARNESS_DURATION`; the catalog scenarios scale
 * their executors to it), writing the k6 JSON stream. Thresholds are the experiment's, per
 * phase, so the engine runs with `--no-thresholds`.
 *
 *   start() ─▶ engine.run (child process) ─▶ first progress line: ready = now - elapsed
 *   stop({graceful}) ─▶ wait for the engine to end (or SIGINT) ─▶ read samplesFile ─▶ LoadResult
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
      HARNESS_DURATION: formatDuration(Math.max(1, Math.round(opts.durationMs))),
    };
    type Outcome = Awaited<ReturnType<LoadEngine['run']>>;
    const running: Promise<Outcome> = o.engine
      .run({
        args: { overrideVia: 'env', env: scriptEnv, tags: o.tags, extraArgs: ['--no-thresholds'] },
        signal: ctl.signal,
        killTimeoutMs: 15_000,
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
        let result: Outcome;
        try {
          result = await running;
        } finally {
          clearTimeout(grace);
          opts.signal.removeEventListener('abort', onAbort);
        }
        const ok = result.exitCode === ExitCode.Ok || result.exitCode === ExitCode.ThresholdsFailed || (result.interrupted && result.exitCode === ExitCode.ExternalAbort);
        if (!ok) {
          throw new HarnessError(`background load (${o.engine.name} engine) failed with exit code ${result.exitCode}${result.killedBy ? ` (${result.killedBy})` : ''}`, {
            exitCode: result.exitCode === ExitCode.ScriptException || result.exitCode === ExitCode.InvalidConfig ? (result.exitCode as ExitCode) : ExitCode.InfraFailure,
            hint: `see the engine's output in the run directory (logs/k6.log); the scenario alone: harness run <scenario> --duration 5s`,
          });
        }
        const stream = await readK6Stream(o.engine.samplesFile, (epoch) => epoch - epochAtZero);
        return { samples: samplesFromPoints(stream.points), stream, streamFile: o.engine.samplesFile };
      },
    };
  }
}
