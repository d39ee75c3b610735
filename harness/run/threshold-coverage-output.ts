import { ExitCode } from '../errors';
import { unmatchedMessage, unmatchedThresholds } from '../gate';
import type { RunOutput } from './outputs';

/**
 * No silent passes (`harness run`, not `harness k6 run`, which keeps k6's behaviour): after the
 * run, a threshold that matched zero samples (a typo in a metric or tag) is named on stderr and
 * turns a passing run into 99, unless its key is in `gate.optionalThresholds`. Runs that failed
 * otherwise keep their code.
 */
export function thresholdCoverageOutput(optional: readonly string[]): RunOutput {
  return {
    name: 'threshold-coverage',
    check() {},
    async afterRun({ code }, ctx) {
      if (code !== ExitCode.Ok && code !== ExitCode.ThresholdsFailed) return undefined;
      const unmatched = await unmatchedThresholds(ctx.runDir, optional);
      if (unmatched.length === 0) return undefined;
      ctx.log(unmatchedMessage(unmatched));
      return ExitCode.ThresholdsFailed;
    },
  };
}
