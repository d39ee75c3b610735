import { summaryEnabled } from '../k6/cli/flags';
import type { EngineEnv, EngineRunArgs } from './types';

/**
 * Whether an engine run with these args and env runs k6's end-of-test summary step, whose
 * `--summary-export` file comes with it: false for `--no-summary`, `--summary-mode disabled`,
 * K6_NO_SUMMARY=true or K6_SUMMARY_MODE=disabled (a flag wins over its variable, as in k6).
 */
export function engineSummaryEnabled(args: Pick<EngineRunArgs, 'noSummary' | 'summaryMode'>, env: EngineEnv): boolean {
  const noSummary = args.noSummary === true || /^(true|1)$/i.test(env.K6_NO_SUMMARY ?? '');
  return summaryEnabled(noSummary, args.summaryMode ?? (env.K6_SUMMARY_MODE || undefined));
}
