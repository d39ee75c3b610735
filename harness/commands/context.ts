import type { Writable } from 'node:stream';

/**
 * What every command function receives besides its own options. Tests pass their own streams,
 * cwd and env; nothing below a command reads `process.env` or `process.cwd()` directly.
 */
export interface CommandContext {
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

export function defaultContext(signal: AbortSignal): CommandContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stdout.isTTY),
    signal,
  };
}
