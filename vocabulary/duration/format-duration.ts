/**
 * Go's `time.Duration.String()` for a duration in ms (rounded to whole ns): `10m0s`, `1.5s`,
 * `300ms`, `1.5µs`, `1h0m0s`, `0s`, `-1.5s`. k6 prints durations this way in its banner, its
 * `--out json` thresholds and its errors, and every k6 parser reads it back.
 */
export function formatDuration(ms: number): string {
  let ns = Math.round(ms * 1e6);
  const neg = ns < 0;
  if (neg) ns = -ns;
  let out: string;
  if (ns < 1e9) {
    if (ns === 0) return '0s';
    if (ns < 1e3) out = `${ns}ns`;
    else if (ns < 1e6) out = `${fracStr(ns, 3)}µs`;
    else out = `${fracStr(ns, 6)}ms`;
  } else {
    const secNs = ns % 60e9;
    let min = Math.floor(ns / 60e9);
    out = `${fracStr(secNs, 9)}s`;
    if (min > 0) {
      const h = Math.floor(min / 60);
      min %= 60;
      out = `${min}m${out}`;
      if (h > 0) out = `${h}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** `v / 10^prec` with the fraction's trailing zeros (and a bare point) dropped, as Go's fmtFrac. */
function fracStr(v: number, prec: number): string {
  const div = 10 ** prec;
  const int = Math.floor(v / div);
  const frac = String(v - int * div).padStart(prec, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : String(int);
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
