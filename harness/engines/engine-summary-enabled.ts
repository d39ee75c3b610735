import { summaryEnabled } from '../k6/cli/flags';
import { optionsFromEnv } from '../k6/options';
import type { EngineEnv, EngineRunArgs } from './types';

/**
 * Whether an engine run with these args and env runs k6's end-of-test summary step, whose
 * `--summary-export` file comes with it: false for `--no-summary`, `--summary-mode disabled`,
 * K6_NO_SUMMARY=true or K6_SUMMARY_MODE=disabled (a flag wins over its variable, as in k6).
 */
export function engineSummaryEnabled(args: Pick<EngineRunArgs, 'noSummary' | 'summaryMode'>, env: EngineEnv): boolean {
  // K6_NO_SUMMARY read by the k6 env tier, as the engine reads it (a malformed value: the engine says so)
  const noSummary = args.noSummary === true || optionsFromEnv(env, []).noSummary === true;
  return summaryEnabled(noSummary, args.summaryMode ?? (env.K6_SUMMARY_MODE || undefined));
}
