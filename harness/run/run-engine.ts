import type { Writable } from 'node:stream';
import { availableParallelism } from 'node:os';
import { resolveEngine, RunnersEngine, type Engine, type EngineProgress, type EngineRunArgs } from '../engines';

/** What the run session asks of a load engine (k6 semantics: exit code as k6). */
export interface EngineRunRequest {
  scriptPath: string;
  cwd: string;
  args: EngineRunArgs;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  stdout?: Writable;
  stderr?: Writable;
  /** SIGKILL this long after the abort's SIGINT (default 30 s). */
  killTimeoutMs?: number;
  onProgress?: (p: EngineProgress) => void;
  /** Called with the engine's pid right after it is spawned (recorded for the watchdog and reap). */
  onStart?: (pid: number) => void;
}

/** How an engine run ended. */
export interface EngineOutcome {
  /** k6's code: 0, 99, 104, 105, 107, 108. */
  exitCode: number;
  /** The run was stopped through the request's signal. */
  interrupted?: boolean;
  /** The process died of this signal (SIGKILL after the kill timeout, or from outside). */
  killedBy?: NodeJS.Signals;
}

/** The slice of harness/engines' Engine that the run session uses (tests substitute it). */
export interface RunEngine {
  readonly name: string;
  /** As its availability probe printed it (`v0.48.0`), shown in reports. */
  readonly version?: string;
  /** Resolves with k6's exit code, or the whole outcome. */
  run(req: EngineRunRequest): Promise<number | EngineOutcome>;
  /** Throws an InvalidConfigError (104) for args this engine cannot take; called before the stack starts. */
  checkArgs?(args: EngineRunArgs, env: Record<string, string | undefined>): Promise<void>;
  /** The script's consolidated `thresholds` option as the engine sees it (`k6 inspect`); undefined when it cannot say. */
  inspectThresholds?(req: Pick<EngineRunRequest, 'scriptPath' | 'cwd' | 'args' | 'env'>): Promise<unknown>;
}

/**
 * How many engine processes `run.runners` means for `engine`: `auto` (the default) is every core
 * for the built-in engine (one Node process uses one core) and 1 for real k6 (one k6 process
 * already uses every core); a number is taken as given.
 */
export function resolveRunners(runners: number | 'auto' | undefined, engineKey: string): number {
  if (runners === undefined || runners === 'auto') return engineKey === 'builtin' ? availableParallelism() : 1;
  return runners;
}

/**
 * `auto|k6|builtin` through harness/engines' registry; returns the engine and why it was picked.
 * With more than one runner, the engine runs as that many processes on segments of the test,
 * their streams merged and the thresholds judged once over all of them (RunnersEngine).
 */
export async function selectEngine(
  choice: string,
  env: Record<string, string | undefined>,
  o: { runners?: number | 'auto'; thresholds?: unknown } = {},
): Promise<{ engine: RunEngine; why: string }> {
  const resolved = await resolveEngine(choice, env);
  const runners = resolveRunners(o.runners, resolved.engine.key);
  const engine: Engine = runners > 1 ? new RunnersEngine(resolved.engine, { runners, thresholds: o.thresholds }) : resolved.engine;
  const { availability } = resolved;
  const why = runners > 1 ? `${resolved.why}; ${runners} runner processes on execution segments of the test, thresholds judged once over their merged samples` : resolved.why;
  return {
    why,
    engine: {
      name: engine.key,
      version: availability.version,
      async run(req) {
        const r = await engine.run({ ...req, killTimeoutMs: req.killTimeoutMs ?? 30_000 });
        return { exitCode: r.exitCode, interrupted: r.interrupted, killedBy: r.killedBy };
      },
      async checkArgs(args, env) {
        await engine.checkArgs?.(args, env);
      },
      // the base engine's: RunnersEngine judges what the script declares, which inspect tells alike
      inspectThresholds: resolved.engine.inspectThresholds && ((req) => resolved.engine.inspectThresholds!(req)),
    },
  };
}
