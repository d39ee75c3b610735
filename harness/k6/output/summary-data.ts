import type { MetricType, ValueType } from '../types';
import type { MetricsEngine, MetricState } from '../metrics/metrics-engine';
import type { GroupNode } from '../metrics/group-tree';
import { trendStat, type ThresholdsEvaluator } from '../../../vocabulary';

/** k6's default `summaryTrendStats`. */
export const DEFAULT_SUMMARY_TREND_STATS: readonly string[] = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

export interface SummaryCheck { name: string; path: string; id: string; passes: number; fails: number }
export interface SummaryGroup { name: string; path: string; id: string; groups: SummaryGroup[]; checks: SummaryCheck[] }
export interface SummaryMetric {
  type: MetricType;
  contains: ValueType;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

/** The object `handleSummary(data)` receives (k6 v0.48 `summarizeMetricsToObject`). */
export interface SummaryData {
  root_group: SummaryGroup;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
  /** Absent when the script exports no `setup` (k6 passes `undefined`). */
  setup_data?: unknown;
}

export interface SummaryDataInput {
  engine: MetricsEngine;
  thresholds?: ThresholdsEvaluator;
  /** Test run duration in ms (counter rates divide by it). */
  testRunDurationMs: number;
  /** setup()'s return value (already JSON-copied); omit when setup is not exported. */
  setupData?: unknown;
  hasSetupData?: boolean;
  summaryTrendStats?: readonly string[];
  /** `'' | 's' | 'ms' | 'us'` (k6 option summaryTimeUnit; '' = automatic). */
  summaryTimeUnit?: string;
  noColor?: boolean;
  isStdOutTTY?: boolean;
  isStdErrTTY?: boolean;
}

/**
 * Builds handleSummary's `data` from the engine's aggregates. Pure given its input: call it after
 * the final threshold evaluation. Metrics are the observed ones (got samples, or have thresholds),
 * sorted as the summary text sorts them (k6's own order is Go map order, i.e. random).
 */
export function buildSummaryData(input: SummaryDataInput): SummaryData {
  const durationNs = Math.round(input.testRunDurationMs * 1e6);
  const stats = [...(input.summaryTrendStats ?? DEFAULT_SUMMARY_TREND_STATS)];
  const metrics: Record<string, SummaryMetric> = {};
  const states = [...input.engine.observedMetrics()].sort((a, b) => compareMetricNames(a.name, b.name));
  for (const s of states) {
    const m: SummaryMetric = { type: s.type, contains: s.contains, values: metricValues(s, stats, durationNs) };
    const th = input.thresholds?.resultsFor(s.name);
    if (th) m.thresholds = th;
    metrics[s.name] = m;
  }
  const data: SummaryData = {
    root_group: exportGroup(input.engine.groups.root),
    options: { summaryTrendStats: stats, summaryTimeUnit: input.summaryTimeUnit ?? '', noColor: input.noColor ?? false },
    state: {
      isStdOutTTY: input.isStdOutTTY ?? false,
      isStdErrTTY: input.isStdErrTTY ?? false,
      testRunDurationMs: durationNs / 1e6,
    },
    metrics,
  };
  if (input.hasSetupData ?? input.setupData !== undefined) data.setup_data = input.setupData ?? null;
  return data;
}

function metricValues(s: MetricState, stats: readonly string[], durationNs: number): Record<string, number> {
  const sink = s.sink;
  switch (sink.type) {
    case 'counter':
      return { count: sink.value, rate: durationNs === 0 ? 0 : sink.value / (durationNs / 1e9) };
    case 'gauge':
      return { value: sink.value, min: sink.min, max: sink.max };
    case 'rate':
      return { rate: sink.rate(), passes: sink.trues, fails: sink.total - sink.trues };
    case 'trend': {
      const v: Record<string, number> = {};
      for (const st of stats) v[st] = trendStat(sink, st);
      return v;
    }
  }
}

function exportGroup(g: GroupNode): SummaryGroup {
  return {
    name: g.name,
    path: g.path,
    id: g.id,
    groups: g.groups.map(exportGroup),
    checks: g.checks.map((c) => ({ name: c.name, path: c.path, id: c.id, passes: c.passes, fails: c.fails })),
  };
}

// goja's String.prototype.localeCompare collates with the root locale (golang.org/x/text/collate, language.Und).
const collator = new Intl.Collator('und');

/** The summary's metric order: by parent metric name, submetrics right after their parent (k6 summary.js). */
export function compareMetricNames(a: string, b: string): number {
  const pa = a.split('{', 1)[0];
  const pb = b.split('{', 1)[0];
  const r = collator.compare(pa, pb);
  if (r !== 0) return r;
  return collator.compare(a.slice(pa.length), b.slice(pb.length));
}
