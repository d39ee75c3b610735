import type { Writable } from 'node:stream';
import { resolveEngine, type EngineProgress, type EngineRunArgs } from '../engines';

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
}

/** `auto|k6|builtin` through harness/engines' registry; returns the engine and why it was picked. */
export async function selectEngine(choice: string, env: Record<string, string | undefined>): Promise<{ engine: RunEngine; why: string }> {
  const { engine, why, availability } = await resolveEngine(choice, env);
  return {
    why,
    engine: {
      name: engine.key,
      version: availability.version,
      async run(req) {
        const r = await engine.run({ ...req, killTimeoutMs: req.killTimeoutMs ?? 30_000 });
        return { exitCode: r.exitCode, interrupted: r.interrupted, killedBy: r.killedBy };
      },
    },
  };
}
