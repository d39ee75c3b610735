/**
 * A small k6-compatible threshold evaluator for experiment hypotheses.
 *
 *   threshold  := aggregation operator number
 *   aggregation:= avg | min | max | med | count | rate | p(N)
 *   operator   := < | <= | > | >= | == | !=
 *   key        := metric [ "{" tag ":" value "}" ]      e.g. http_req_failed{phase:baseline}
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

export const METRICS = ['http_req_duration', 'http_req_failed', 'http_reqs', 'accepted'] as const;
export type MetricName = (typeof METRICS)[number];

export function parseThresholdKey(key: string): { metric: MetricName; tag?: [string, string] } | string {
  const m = /^([a-z_]+)(?:\{([a-z_]+):([^}]+)\})?$/.exec(key);
  if (!m || !(METRICS as readonly string[]).includes(m[1])) return `unknown metric "${key}"; valid: ${METRICS.join(', ')} (optionally {phase:<phase>})`;
  return { metric: m[1] as MetricName, tag: m[2] ? [m[2], m[3]] : undefined };
}

/** Aggregates values (durations in ms, or 0/1 for rates). */
export function aggregate(values: number[], t: ParsedThreshold): number {
  if (t.agg === 'count') return values.length;
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  switch (t.agg) {
    case 'avg':
    case 'rate':
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
