/**
 * What `exec.test.options` shows: k6's consolidated options as JSON, i.e. the merged option layers
 * with `scenarios` derived from the shortcuts and rendered as k6 v0.48 marshals its executor
 * configs (every field of the executor's struct in its order, unset ones `null`, durations as Go
 * duration strings).
 */
import { formatDuration, parseDuration } from '../../../vocabulary';
import type { OptionLayer } from './types';

const BASE = ['executor', 'startTime', 'gracefulStop', 'env', 'exec', 'tags'];
const FIELDS: Record<string, string[]> = {
  'shared-iterations': ['vus', 'iterations', 'maxDuration'],
  'per-vu-iterations': ['vus', 'iterations', 'maxDuration'],
  'constant-vus': ['vus', 'duration'],
  'ramping-vus': ['startVUs', 'stages', 'gracefulRampDown'],
  'constant-arrival-rate': ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs'],
  'ramping-arrival-rate': ['startRate', 'timeUnit', 'preAllocatedVUs', 'maxVUs', 'stages'],
  'externally-controlled': ['vus', 'duration', 'maxVUs'],
};
const DURATIONS = new Set(['startTime', 'gracefulStop', 'maxDuration', 'duration', 'gracefulRampDown', 'timeUnit']);

function goDuration(v: unknown): unknown {
  const d = parseDuration(v);
  return d.ok ? formatDuration(d.ms) : v;
}

function field(k: string, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (DURATIONS.has(k)) return goDuration(v);
  if ((k === 'env' || k === 'tags') && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))); // Go marshals maps sorted
  if (k === 'stages' && Array.isArray(v))
    return v.map((s: { duration?: unknown; target?: unknown }) => ({ duration: s?.duration === undefined ? null : goDuration(s.duration), target: s?.target ?? null }));
  return v;
}

export function k6TestOptions(merged: OptionLayer, scenarios: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, Record<string, unknown>> = {};
  // Go marshals a map with its keys sorted
  for (const [name, raw] of Object.entries(scenarios).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const keys = FIELDS[String(raw.executor)];
    if (!keys) {
      out[name] = raw;
      continue;
    }
    const s: Record<string, unknown> = {};
    for (const k of [...BASE, ...keys]) s[k] = field(k, raw[k]);
    if (raw.options !== undefined) s.options = raw.options;
    out[name] = s;
  }
  return { ...merged, scenarios: out };
}
