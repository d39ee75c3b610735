import { InvalidConfigError } from '../../errors';
import { scriptThresholds } from '../../build';
import { parseThresholdsConfig } from '../../../vocabulary';

/**
 * Validates a compiled script's `thresholds` before anything starts (k6 only parses them once
 * the test begins, which for `harness run` would be after the stack is up). Reads every
 * `thresholds: { ... }` object literal in the bundle statically (`scriptThresholds`), the harness
 * never executes scenario code; entries that are not literals (computed at init time) are left to
 * the engine, which validates them again at its start. Throws InvalidConfigError (104) listing
 * every problem. `literals`: the objects found, as written.
 */
export function precheckThresholds(bundleSource: string, scriptLabel: string): { checked: number; literals: unknown[] } {
  const literals = scriptThresholds(bundleSource);
  const problems = literals.flatMap((value) => parseThresholdsConfig(value).problems);
  if (problems.length) {
    throw new InvalidConfigError(`invalid thresholds in ${scriptLabel}; nothing was started`, problems, {
      hint: 'threshold grammar: <aggregation> <op> <number>, e.g. "p(95)<200", "rate<0.01", "count>0" (see docs/cli.md)',
    });
  }
  return { checked: literals.length, literals };
}
