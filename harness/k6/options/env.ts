import { parseStageFlag } from './stages';
import type { OptionLayer } from './types';

/**
 * The env tier: k6's `K6_*` variables mapped onto option names. Unparseable values are reported
 * as problems with the variable's name, like every other config problem.
 */
export function optionsFromEnv(env: Record<string, string | undefined>, problems: string[]): OptionLayer {
  const o: OptionLayer = {};
  const int = (k: string, opt: string) => {
    const v = env[k];
    if (v === undefined || v === '') return;
    if (!/^\d+$/.test(v.trim())) problems.push(`${k}: must be a non-negative integer, got "${v}"`);
    else o[opt] = Number(v);
  };
  const str = (k: string, opt: string) => {
    const v = env[k];
    if (v !== undefined && v !== '') o[opt] = v;
  };
  const bool = (k: string, opt: string) => {
    const v = env[k];
    if (v === undefined || v === '') return;
    if (!/^(true|false|1|0)$/i.test(v)) problems.push(`${k}: must be true or false, got "${v}"`);
    else o[opt] = /^(true|1)$/i.test(v);
  };
  const list = (k: string, opt: string) => {
    const v = env[k];
    if (v !== undefined && v !== '') o[opt] = v.split(',').map((s) => s.trim()).filter(Boolean);
  };
  int('K6_VUS', 'vus');
  int('K6_ITERATIONS', 'iterations');
  str('K6_DURATION', 'duration');
  if (env.K6_STAGES) {
    o.stages = env.K6_STAGES.split(',').map((s, i) => parseStageFlag(s, `K6_STAGES[${i}]`, problems));
  }
  str('K6_SETUP_TIMEOUT', 'setupTimeout');
  str('K6_TEARDOWN_TIMEOUT', 'teardownTimeout');
  str('K6_USER_AGENT', 'userAgent');
  str('K6_EXECUTION_SEGMENT', 'executionSegment');
  str('K6_EXECUTION_SEGMENT_SEQUENCE', 'executionSegmentSequence');
  str('K6_SUMMARY_TIME_UNIT', 'summaryTimeUnit');
  list('K6_SUMMARY_TREND_STATS', 'summaryTrendStats');
  list('K6_SYSTEM_TAGS', 'systemTags');
  bool('K6_NO_THRESHOLDS', 'noThresholds');
  bool('K6_NO_SUMMARY', 'noSummary');
  bool('K6_DISCARD_RESPONSE_BODIES', 'discardResponseBodies');
  bool('K6_NO_CONNECTION_REUSE', 'noConnectionReuse');
  bool('K6_NO_VU_CONNECTION_REUSE', 'noVUConnectionReuse');
  bool('K6_THROW', 'throw');
  int('K6_MAX_REDIRECTS', 'maxRedirects');
  int('K6_BATCH', 'batch');
  int('K6_BATCH_PER_HOST', 'batchPerHost');
  return o;
}
