import type { ExitCode } from '../../errors';

/** Why the test stopped before its scenarios ended on their own. */
export type StopCause =
  /** SIGINT/SIGTERM through the command's signal: exit 105. */
  | { kind: 'signal' }
  /** `test.abort()` in the script: exit 108. */
  | { kind: 'script'; reason: string }
  /** A threshold with abortOnFail crossed: exit 99. */
  | { kind: 'thresholds'; metrics: string[] }
  /** An output failed fatally. */
  | { kind: 'output'; error: Error };

/**
 * Thresholds evaluated while the test runs (k6 checks abortOnFail thresholds every 2 s).
 * Implemented by the thresholds/ evaluator; the scheduler only asks.
 */
export interface LiveThresholds {
  /**
   * Names of the metrics whose `abortOnFail` thresholds fail now (delayAbortEval respected, given the
   * elapsed run time in ms); empty when the run may go on.
   */
  abortingMetrics(elapsedMs: number): string[];
}

export interface ExecutionResult {
  /** 0, or k6's code for how the execution ended (100, 101, 105, 107, 108, 99 for abortOnFail). */
  exitCode: ExitCode;
  /** The error behind a non-zero exit (setup timeout, script exception, ...). */
  error?: Error;
  stopCause?: StopCause;
  setupData: unknown;
  /** ms since epoch */
  startedAt: number;
  /** From the start of setup to the end of teardown (k6 testRunDurationMs). */
  durationMs: number;
  iterationsCompleted: number;
  iterationsInterrupted: number;
  vusMax: number;
}
