/**
 * Errors of the target's processes (gateway, worker, `npm run target`). The target imports
 * nothing of the harness, so it has its own small catalogue; the exit codes are the harness's
 * (README), so a process exits the same way whoever launched it:
 *   104 invalid configuration, 110 infrastructure (Redis unreachable, a child never ready),
 *   111 a bug. `main()` of each process is the only place that turns them into an exit.
 */
export const ExitCode = {
  Ok: 0,
  GenericError: 1,
  InvalidConfig: 104,
  InfraFailure: 110,
  Internal: 111,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface TargetErrorOptions {
  /** What to run or change. */
  hint?: string;
  cause?: unknown;
}

export class TargetError extends Error {
  readonly hint?: string;
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, opts: TargetErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.hint = opts.hint;
    this.exitCode = exitCode;
  }
}

/** Environment variables that cannot be used; nothing has started yet. */
export class InvalidConfigError extends TargetError {
  /** Every problem found, each naming its variable (`PORT: must be an integer, got "x"`). */
  readonly problems: string[];
  constructor(message: string, problems: string[] = [], opts: TargetErrorOptions = {}) {
    super(problems.length ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message, ExitCode.InvalidConfig, opts);
    this.problems = problems;
  }
}

/** Redis, or a child process, could not be reached or started. */
export class InfraError extends TargetError {
  constructor(message: string, opts: TargetErrorOptions = {}) {
    super(message, ExitCode.InfraFailure, opts);
  }
}

/** The message, then the hint on its own line; anything else is a bug (with its stack). */
export function formatError(e: unknown): string {
  if (e instanceof TargetError) return e.hint ? `${e.message}\n  hint: ${e.hint}` : e.message;
  const err = e instanceof Error ? e : new Error(String(e));
  return `internal error: ${err.stack ?? err.message}\n  this is a bug in the target; please report it`;
}

export function exitCodeOf(e: unknown): ExitCode {
  return e instanceof TargetError ? e.exitCode : ExitCode.Internal;
}
