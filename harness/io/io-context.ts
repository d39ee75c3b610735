import type { Writable } from 'node:stream';

/**
 * The process's surroundings, handed down instead of read from globals: working directory,
 * environment, output streams and the interrupt signal. Commands receive it (as CommandContext)
 * and pass it on to the engine (`harness k6 run`), so nothing below the CLI reads `process.env`
 * or `process.cwd()` directly, and tests pass their own. It lives below every layer that uses it.
 */
export interface IoContext {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: Writable;
  stderr: Writable;
  /** Whether stdout is an interactive terminal (live progress redraws in place). */
  isTTY: boolean;
  /**
   * Aborted on the first SIGINT/SIGTERM: commands stop gracefully, tear down and resolve with
   * exit code 105. A second signal makes `main` force-exit after a last teardown attempt.
   */
  signal: AbortSignal;
}

/** The real process's context (only `main` calls this). */
export function processContext(signal: AbortSignal): IoContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stdout.isTTY),
    signal,
  };
}
