import type { Tags } from '../samples';

/**
 * Threshold keys name a metric or a submetric: `http_req_duration`, `http_req_duration{status:200}`,
 * `http_req_duration{scenario:ingest,method:"POST"}`. Two k6 functions parse them and both apply:
 * `validateMetricKey` (k6 `metrics.ParseMetricName`, strict: every selector is `key:value`) and
 * `parseSubmetricSelector` (k6 `Metric.AddSubmetric`: trims spaces and `"`/`'` quotes around keys
 * and values, splits naively on `,` and the first `:`).
 */
export interface ParsedMetricKey {
  metric: string;
  /** Text between the braces, trimmed (k6's submetric "suffix"); undefined for a plain metric. */
  suffix?: string;
}

/** Returns the problem (k6's wording) or the parsed key. */
export function validateMetricKey(key: string): { ok: true; key: ParsedMetricKey } | { ok: false; error: string } {
  const open = key.indexOf('{');
  const close = key.lastIndexOf('}');
  const fail = (why: string) => ({ ok: false as const, error: `parsing metric name failed, metric ${JSON.stringify(key)} ${why}` });
  if (open === -1 && close === -1) return { ok: true, key: { metric: key } };
  if (open === -1 || close === -1) return fail('has unmatched opening/close curly brace');
  if (close < open) return fail('closing curly brace appears before opening one');
  if (close !== key.length - 1) return fail('lacks a closing curly brace in its last position');
  for (const t of key.slice(open + 1, close).split(',')) {
    const kv = splitOnce(t, ':');
    if (kv.length !== 2 || kv[1] === '') {
      return { ok: false, error: `parsing metric name failed, metric ${JSON.stringify(t)} tag expression is malformed` };
    }
  }
  return { ok: true, key: { metric: key.slice(0, open), suffix: key.slice(open + 1, close).trim() } };
}

/** The tags a submetric selects (k6 `AddSubmetric`). Throws on an empty selector. */
export function parseSubmetricSelector(metric: string, suffix: string): Tags {
  const kvs = suffix.trim();
  if (kvs === '') throw new Error(`submetric criteria for metric '${metric}' cannot be empty`);
  const tags: Tags = {};
  for (const kv of kvs.split(',')) {
    if (kv === '') continue;
    const parts = splitOnce(kv, ':');
    const key = trimQuotes(parts[0].trim());
    tags[key] = parts.length === 2 ? trimQuotes(parts[1].trim()) : '';
  }
  return tags;
}

function splitOnce(s: string, sep: string): string[] {
  const i = s.indexOf(sep);
  return i === -1 ? [s] : [s.slice(0, i), s.slice(i + sep.length)];
}

function trimQuotes(s: string): string {
  return s.replace(/^["']+|["']+$/g, '');
}

export function sameTags(a: Tags, b: Tags): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && b[k] === a[k]);
}
