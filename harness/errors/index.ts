/**
 * Errors that reach the user. Every one carries an exit code (k6's where k6 has one, so CI
 * tooling written for k6 reads our verdicts unchanged) and, where we know it, a hint that says
 * what to run or change. `main()` is the only place that turns them into output and an exit.
 */
export const ExitCode = {
  Ok: 0,
  /** A generic failure not covered below (k6 uses -1/255 for this). */
  GenericError: 1,
  /** SLO breach: a valid result, the run itself worked. */
  ThresholdsFailed: 99,
  SetupTimeout: 100,
  TeardownTimeout: 101,
  InvalidConfig: 104,
  /** SIGINT / SIGTERM. */
  ExternalAbort: 105,
  ScriptException: 107,
  /** `test.abort()` from the script. */
  ScriptAborted: 108,
  /** Docker, Redis, Toxiproxy or another piece of infrastructure could not be reached or started. */
  InfraFailure: 110,
  /** A bug in the harness itself. */
  Internal: 111,
  /**
   * A regression gate found a regression against its baseline (`harness gate`, `run --baseline`).
   * Outside k6's own codes (97-110), so k6-aware tooling never misreads it.
   */
  PerformanceRegression: 112,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface HarnessErrorOptions {
  hint?: string;
  exitCode?: ExitCode;
  cause?: unknown;
}

/**
 * Brands every HarnessError. `instanceof` alone is not enough: the same module can be loaded
 * twice (tsx serves a file to both the ESM and the CJS loader, e.g. under mocha), and an
 * InvalidConfigError from the other copy must still be a 104, not a "bug in the harness".
 */
const BRAND = Symbol.for('telemetryhub-harness.HarnessError');

export class HarnessError extends Error {
  readonly [BRAND] = true;
  readonly hint?: string;
  readonly exitCode: ExitCode;
  constructor(message: string, opts: HarnessErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? ExitCode.GenericError;
  }
}

/** Config, flags, thresholds or a scenario that cannot be used; nothing has started yet. */
export class InvalidConfigError extends HarnessError {
  /** Every problem found, each prefixed with its dot-path (`scenarios.ingest.rate: must be > 0`). */
  readonly problems: string[];
  constructor(message: string, problems: string[] = [], opts: Omit<HarnessErrorOptions, 'exitCode'> = {}) {
    super(problems.length ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message, {
      ...opts,
      exitCode: ExitCode.InvalidConfig,
    });
    this.problems = problems;
  }
}

/**
 * The command line itself is wrong (unknown command or option, missing argument, a value not
 * among the choices): one line saying what, then the command's usage. Exit 104, like any
 * invalid input; nothing has started.
 */
export class UsageError extends HarnessError {
  /** The usage text of the command that was being parsed (`harness run --help`). */
  readonly usage: string;
  constructor(message: string, usage: string) {
    super(message, { exitCode: ExitCode.InvalidConfig });
    this.usage = usage;
  }
}

export class InfraError extends HarnessError {
  constructor(message: string, opts: Omit<HarnessErrorOptions, 'exitCode'> = {}) {
    super(message, { ...opts, exitCode: ExitCode.InfraFailure });
  }
}

export class AbortedError extends HarnessError {
  constructor(message = 'interrupted', opts: Omit<HarnessErrorOptions, 'exitCode'> = {}) {
    super(message, { ...opts, exitCode: ExitCode.ExternalAbort });
  }
}

export class ThresholdsFailedError extends HarnessError {
  constructor(message: string, opts: Omit<HarnessErrorOptions, 'exitCode'> = {}) {
    super(message, { ...opts, exitCode: ExitCode.ThresholdsFailed });
  }
}

export function isHarnessError(e: unknown): e is HarnessError {
  return e instanceof HarnessError || (typeof e === 'object' && e !== null && (e as { [BRAND]?: unknown })[BRAND] === true);
}

/** One line for the terminal: the message, then the hint (or a usage error's usage) below. */
export function formatError(e: unknown): string {
  if (isHarnessError(e) && typeof (e as Partial<UsageError>).usage === 'string') return `${e.message}\n\n${(e as UsageError).usage.trimEnd()}`;
  if (isHarnessError(e)) return e.hint ? `${e.message}\n  hint: ${e.hint}` : e.message;
  const err = e instanceof Error ? e : new Error(String(e));
  return `internal error: ${err.stack ?? err.message}\n  this is a bug in the harness; please report it with the run directory attached`;
}

export function exitCodeOf(e: unknown): ExitCode {
  return isHarnessError(e) ? e.exitCode : ExitCode.Internal;
}
