/**
 * Byte-exact reproductions of the Go formatting k6 relies on, so our outputs read like k6's:
 * - `goFloat`: `strconv.FormatFloat(v, 'g', -1, 64)` (easyjson, used by `--out json`): shortest
 *   round-trip digits, exponent form when the exponent is < -4 or >= 6 (`1e+06`, `5e-05`).
 * - `goJsonString`: easyjson's string encoder with HTML escaping (`<` → `\u003c`, `&` → `\u0026`).
 * - `rfc3339Nano`: `time.Time.MarshalJSON` (RFC 3339 with up to 9 fractional digits, trailing
 *   zeros trimmed), always in UTC (`Z`).
 * Durations (`time.Duration.String()`, `ParseExtendedDuration`) live in `vocabulary/duration`.
 */

export function goFloat(v: number): string {
  if (Number.isInteger(v) && v > -1e6 && v < 1e6) return Object.is(v, -0) ? '-0' : String(v);
  const a = v < 0 ? -v : v;
  if (a >= 1e-4 && a < 1e6) return String(v); // plain decimal in JS and Go alike (hot path)
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const e = v.toExponential(); // shortest round-trip digits, like Go's shortest mode
  const at = e.indexOf('e');
  const exp = Number(e.slice(at + 1));
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    return `${e.slice(0, at)}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(v); // plain decimal in this range, same shortest digits
}

const HEX = '0123456789abcdef';
// Printable ASCII without `"`, `\`, `<`, `>`, `&`: the common case needs no escaping.
const PLAIN = /^[\x20\x21\x23-\x25\x27-\x3b\x3d\x3f-\x5b\x5d-\x7e]*$/;

/** A JSON string literal exactly as easyjson writes it (HTML-escaping on unless `escapeHTML` is false). */
export function goJsonString(s: string, escapeHTML = true): string {
  if (PLAIN.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      switch (c) {
        case 0x22: out += '\\"'; continue;
        case 0x5c: out += '\\\\'; continue;
        case 0x0a: out += '\\n'; continue;
        case 0x0d: out += '\\r'; continue;
        case 0x09: out += '\\t'; continue;
      }
      if (c < 0x20 || (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) {
        out += `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      } else out += s[i];
      continue;
    }
    if (c === 0x2028 || c === 0x2029) { out += `\\u202${HEX[c & 0xf]}`; continue; }
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { out += s[i] + s[i + 1]; i++; continue; }
      out += '\ufffd'; // broken UTF-16 = broken UTF-8 in Go: replacement char
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) { out += '\ufffd'; continue; }
    out += s[i];
  }
  return out + '"';
}

let cachedSec = NaN;
let cachedPrefix = '';

/** `time.Time` JSON text (without quotes) for a time in ms since the epoch, e.g. `2026-11-22T06:41:04.11409691Z`. */
export function rfc3339Nano(ms: number): string {
  let sec = Math.floor(ms / 1000);
  let ns = Math.round((ms - sec * 1000) * 1e6);
  if (ns >= 1e9) { sec += 1; ns -= 1e9; }
  if (sec !== cachedSec) {
    cachedSec = sec;
    cachedPrefix = new Date(sec * 1000).toISOString().slice(0, 19);
  }
  if (ns === 0) return `${cachedPrefix}Z`;
  let frac = String(ns).padStart(9, '0');
  let end = 9;
  while (frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  return `${cachedPrefix}.${frac}Z`;
}

/** Inverse of `rfc3339Nano` (any offset accepted); precision is that of a float of ms (~0.25 µs today). */
export function parseRfc3339(text: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) throw new Error(`invalid RFC 3339 time "${text}"`);
  const base = Date.parse(`${m[1]}${m[3]}`);
  const frac = m[2] ? Number(m[2].padEnd(9, '0')) / 1e6 : 0;
  return base + frac;
}
