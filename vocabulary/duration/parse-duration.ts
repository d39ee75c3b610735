/**
 * The one k6 duration parser (harness, engine, chaos, config files and scenarios all use it).
 *
 * Meaning, as k6 v0.48's `types.ParseExtendedDuration` (lib/types/types.go), which backs
 * `types.NullDuration` in script options, `K6_*` environment variables and JSON config:
 *
 *   duration := number                  a bare number is MILLISECONDS: `90` = 90ms, `1.5` = 1.5ms
 *             | go-duration             Go `time.ParseDuration`: `1m30s`, `1.5s`, `500ms`, `10us`, `-2h`
 *             | int "d" [go-duration]   days first, then an optional Go duration: `2d`, `1d12h`
 *   go-duration := [+-] ( decimal unit )+      unit := ns | us | µs | μs | ms | s | m | h
 *
 * k6's `NullDuration.UnmarshalJSON` reads a JSON number as milliseconds too. (k6's own
 * `--duration` CLI flag is a pflag `time.Duration` and rejects a bare number; the harness does
 * not copy that exception: `--duration 90` means 90 ms to `harness run`, `harness chaos`,
 * `harness.config.ts`, `HARNESS_DURATION` and the scenarios alike, and the harness always hands
 * k6 the canonical text from `formatDuration`, never the raw input.)
 *
 * Pure (no Node imports): scenarios bundled for k6's JS runtime import it.
 */
export type DurationResult = { ok: true; ms: number } | { ok: false; error: string };

const NS_PER: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
// strconv.ParseFloat's decimal forms (k6 tries it first)
const BARE_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const GO_DURATION = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const GO_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/** Milliseconds (float; sub-ms units give fractions), or an error quoting the input. */
export function parseDuration(value: unknown): DurationResult {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, error: `invalid duration ${String(value)}` };
    return { ok: true, ms: value };
  }
  if (typeof value !== 'string') return { ok: false, error: `invalid duration ${JSON.stringify(value)}: expected a string like "30s" or a number of milliseconds` };
  const s = value.trim();
  const bad = (): DurationResult => ({ ok: false, error: `invalid duration "${value}": expected e.g. "30s", "1m30s", "500ms", "1d12h" (a bare number is milliseconds)` });
  if (BARE_NUMBER.test(s)) return { ok: true, ms: Number(s) };
  const d = s.indexOf('d');
  if (d < 0) {
    const ns = goDurationNs(s);
    return ns === undefined ? bad() : { ok: true, ms: ns / 1e6 };
  }
  if (!/^[+-]?\d+$/.test(s.slice(0, d))) return bad();
  const days = Number(s.slice(0, d));
  let restNs = 0;
  if (d + 1 < s.length) {
    const ns = goDurationNs(s.slice(d + 1));
    if (ns === undefined || ns < 0) return bad();
    restNs = ns;
  }
  if (days < 0 || Object.is(days, -0)) restNs = -restNs;
  return { ok: true, ms: days * 86_400_000 + restNs / 1e6 };
}

/** Go's `time.ParseDuration` in nanoseconds (float), undefined when malformed. */
function goDurationNs(s: string): number | undefined {
  if (!GO_DURATION.test(s)) return undefined;
  let ns = 0;
  GO_PART.lastIndex = 0;
  // exec, not matchAll: this file also runs inside k6's goja (scenarios import it)
  for (let m = GO_PART.exec(s); m; m = GO_PART.exec(s)) ns += Number(m[1]) * NS_PER[m[2]];
  return s.startsWith('-') ? -ns : ns;
}

/** Milliseconds, or throws a plain Error with the parser's message (for values validated earlier). */
export function durationMs(value: unknown): number {
  const r = parseDuration(value);
  if (!r.ok) throw new Error(r.error);
  return r.ms;
}

/** A duration that parses and is > 0 (run lengths, timeouts): milliseconds, or undefined. */
export function positiveDurationMs(value: unknown): number | undefined {
  const r = parseDuration(value);
  return r.ok && r.ms > 0 ? r.ms : undefined;
}

/** Parses and is >= 0 (offsets such as `at`, `jitter`): milliseconds, or undefined. */
export function nonNegativeDurationMs(value: unknown): number | undefined {
  const r = parseDuration(value);
  return r.ok && r.ms >= 0 ? r.ms : undefined;
}
