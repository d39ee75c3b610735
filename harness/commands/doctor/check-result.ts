/** One line of `harness doctor`. */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** Version or what was found. */
  detail: string;
  /** What to do when missing (or why it does not matter). */
  hint?: string;
  /** Whether `harness run` needs it (else optional). */
  required: boolean;
}
