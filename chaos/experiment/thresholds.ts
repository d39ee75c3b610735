/**
 * A small k6-compatible threshold evaluator for experiment hypotheses.
 *
 *   threshold  := aggregation operator number
 *   aggregation:= avg | min | max | med | count | rate | p(N)
 *   operator   := < | <= | > | >= | == | !=
 *   key        := metric [ "{" tag ":" value { "," tag ":" value } "}" ]   e.g. http_req_failed{phase:baseline}
 *
 * Aggregations follow k6: `count` of a counter is the sum of its values, `rate` is the share of
 * non-zero values.
 */
export interface ParsedThreshold {
  source: string;
  agg: string;
  p?: number;
  op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  value: number;
}

export function parseThreshold(source: string): ParsedThreshold | string {
  const m = /^\s*(avg|min|max|med|count|rate|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(source);
  if (!m) return `failed parsing threshold "${source}": want <avg|min|max|med|count|rate|p(N)><op><number>`;
  return { source, agg: m[2] ? 'p' : m[1], p: m[2] ? Number(m[2]) : undefined, op: m[3] as ParsedThreshold['op'], value: Number(m[4]) };
}

/**
 * Metrics a hypothesis can name: any metric of the load's k6 JSON stream (`http_req_duration`,
 * `http_req_failed`, `checks`, `ingest_errors`, ...) plus `accepted`, derived from `http_reqs`
 * (rate of 202s). A metric that never appears in the stream is reported when evaluated.
 */
export const DERIVED_METRICS = ['accepted'] as const;

export interface ThresholdKey {
  metric: string;
  /** Every `tag:value` of the selector must match (k6 sub-metric semantics). */
  tags: Array<[string, string]>;
}

/** `metric` or `metric{tag:value,tag2:value}` (values may be quoted; `phase:fault:x` keeps its colons). */
export function parseThresholdKey(key: string): ThresholdKey | string {
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)(?:\{([^}]*)\})?$/.exec(key);
  if (!m) return `failed parsing threshold key "${key}": want <metric> or <metric>{<tag>:<value>,...} (e.g. http_req_failed{phase:baseline})`;
  const tags: Array<[string, string]> = [];
  if (m[2] !== undefined) {
    for (const part of m[2].split(',')) {
      const i = part.indexOf(':');
      if (i <= 0) return `failed parsing threshold key "${key}": selector "${part}" is not <tag>:<value>`;
      tags.push([part.slice(0, i).trim(), part.slice(i + 1).trim().replace(/^"(.*)"$/, '$1')]);
    }
  }
  return { metric: m[1], tags };
}

/** Aggregates values (durations in ms, 0/1 for rates, increments for counters). */
export function aggregate(values: number[], t: ParsedThreshold, type?: string): number {
  if (t.agg === 'count') return type === 'counter' ? values.reduce((a, b) => a + b, 0) : values.length;
  if (values.length === 0) return 0;
  if (t.agg === 'rate') return values.filter((v) => v !== 0).length / values.length;
  const sorted = [...values].sort((a, b) => a - b);
  switch (t.agg) {
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'min':
      return sorted[0];
    case 'max':
      return sorted[sorted.length - 1];
    case 'med':
      return percentile(sorted, 50);
    default:
      return percentile(sorted, t.p ?? 95);
  }
}

function percentile(sorted: number[], p: number): number {
  const idx = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(idx);
  const hi = Math.ceil(idx);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (idx - lo);
}

export function compare(actual: number, t: ParsedThreshold): boolean {
  switch (t.op) {
    case '<':
      return actual < t.value;
    case '<=':
      return actual <= t.value;
    case '>':
      return actual > t.value;
    case '>=':
      return actual >= t.value;
    case '==':
      return actual === t.value;
    default:
      return actual !== t.value;
  }
}
