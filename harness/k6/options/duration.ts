/**
 * k6 duration values. A string is Go's `time.ParseDuration` syntax (`1m30s`, `500ms`, `1.5h`,
 * `10us`); a bare number (or numeric string in JSON-ish options) is milliseconds, as k6's
 * `types.NullDuration` reads it. Returns milliseconds (float) or an error message.
 */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export type DurationResult = { ok: true; ms: number } | { ok: false; error: string };

export function parseDuration(value: unknown): DurationResult {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, error: `invalid duration ${String(value)}` };
    return { ok: true, ms: value };
  }
  if (typeof value !== 'string') return { ok: false, error: `invalid duration ${JSON.stringify(value)}: expected a string like "30s" or a number of milliseconds` };
  const s = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return { ok: true, ms: Number(s) };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d)/gy;
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-')) {
    sign = -1;
    rest = rest.slice(1);
  } else if (rest.startsWith('+')) rest = rest.slice(1);
  if (!rest) return { ok: false, error: `invalid duration "${value}"` };
  let total = 0;
  re.lastIndex = 0;
  let consumed = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== rest.length) return { ok: false, error: `invalid duration "${value}": expected e.g. "30s", "1m30s", "500ms"` };
  return { ok: true, ms: sign * total };
}

/** Throws a plain Error with the message; for call sites that validate elsewhere. */
export function durationMs(value: unknown): number {
  const r = parseDuration(value);
  if (!r.ok) throw new Error(r.error);
  return r.ms;
}

/** Go's `time.Duration.String()`: `10m0s`, `30s`, `1.5s`, `500ms`, `1h0m0s`, `0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let ns = Math.round(Math.abs(ms) * 1e6);
  let out: string;
  if (ns < 1e9) {
    // sub-second: largest unit that keeps the integer part non-zero
    if (ns < 1e3) out = `${ns}ns`;
    else if (ns < 1e6) out = `${trimFrac(ns / 1e3)}µs`;
    else out = `${trimFrac(ns / 1e6)}ms`;
  } else {
    const h = Math.floor(ns / 3.6e12);
    ns -= h * 3.6e12;
    const m = Math.floor(ns / 6e10);
    ns -= m * 6e10;
    const s = trimFrac(ns / 1e9);
    out = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
  }
  return neg ? `-${out}` : out;
}

function trimFrac(v: number): string {
  // up to 9 fractional digits, trailing zeros dropped (Go prints exact nanoseconds)
  return v.toFixed(9).replace(/\.?0+$/, '');
}

/**
 * k6's `pb.GetFixedLengthDuration`: fixed width based on the max value so the progress line does
 * not jump: `1.0s` (max < 10s), `05.0s` (< 1m), `0m05.0s` (< 10m), `00m05.0s` (< 1h), `0h00m05.0s`...
 */
export function formatFixedDuration(ms: number, maxMs: number): string {
  const d = Math.abs(ms);
  let max = Math.max(Math.abs(maxMs), d);
  max = Math.round(max / 100) * 100;
  let u = Math.round(d / 100); // tenths of a second
  const tenth = u % 10;
  u = Math.floor(u / 10);
  const sec1 = u % 10;
  u = Math.floor(u / 10);
  let out = `${sec1}.${tenth}s`;
  if (max < 10_000) return out;
  const sec10 = u % 6;
  u = Math.floor(u / 6);
  out = `${sec10}${out}`;
  if (max < 60_000) return out;
  const min1 = u % 10;
  u = Math.floor(u / 10);
  out = `${min1}m${out}`;
  if (max < 600_000) return out;
  const min10 = u % 6;
  u = Math.floor(u / 6);
  out = `${min10}${out}`;
  if (max < 3_600_000) return out;
  const hours = u % 24;
  const days = Math.floor(u / 24);
  const maxHours = Math.floor(max / 3_600_000);
  if (maxHours < 24) return `${String(hours).padStart(String(maxHours).length, '0')}h${out}`;
  return `${days}d${String(hours).padStart(2, '0')}h${out}`;
}
