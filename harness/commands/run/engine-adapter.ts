import { resolveEngine, type EngineProgress, type EngineRunArgs } from '../../engines';
import type { Writable } from 'node:stream';

/** What the run command asks of a load engine (k6 semantics: exit code as k6). */
export interface EngineRunRequest {
  scriptPath: string;
  cwd: string;
  args: EngineRunArgs;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  stdout: Writable;
  stderr: Writable;
  onProgress?: (p: EngineProgress) => void;
  /** Called with the engine's pid right after it is spawned (recorded for the watchdog and reap). */
  onStart?: (pid: number) => void;
}

/** The slice of harness/engines' Engine that `harness run` uses (tests substitute it). */
export interface RunEngine {
  readonly name: string;
  /** Resolves with k6's exit code (0, 99, 104, 105, 107, 108). */
  run(req: EngineRunRequest): Promise<number>;
}

/** `auto|k6|builtin` through harness/engines' registry; returns the engine and why it was picked. */
export async function selectEngine(choice: string, env: Record<string, string | undefined>): Promise<{ engine: RunEngine; why: string }> {
  const { engine, why } = await resolveEngine(choice, env);
  return {
    why,
    engine: {
      name: engine.key,
      async run(req) {
        const r = await engine.run({ ...req, killTimeoutMs: 30_000 });
        return r.exitCode;
      },
    },
  };
}
