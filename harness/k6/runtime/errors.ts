import { ExitCode, HarnessError } from '../../errors/index';

/** An uncaught exception in init code, setup or teardown (k6 exit code 107). Already logged k6-style. */
export class ScriptExceptionError extends HarnessError {
  constructor(
    message: string,
    /** `file:line:col` in the user's file where known. */
    readonly location?: string,
    cause?: unknown,
    /** k6's whole text for the exception (`Name: message` and its stack), logged as the one error line instead. */
    text?: string,
  ) {
    super(text ?? (location ? `${message}\n\tat ${location}` : message), { exitCode: ExitCode.ScriptException, cause });
  }
}

/** `exec.test.abort(reason)` outside an iteration (init, setup, teardown): exit code 108. */
export class ScriptAbortedError extends HarnessError {
  constructor(readonly reason: string) {
    super(`test aborted: ${reason}`, { exitCode: ExitCode.ScriptAborted });
  }
}
