/** k6/Go-style durations: `1h2m3s`, `1m30s`, `90s`, `1.5s`, `500ms`; a bare number is seconds. */
const UNIT_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    if (m.index !== consumed) return undefined;
    total += Number(m[1]) * UNIT_S[m[2]];
    consumed = m.index + m[0].length;
  }
  return consumed === t.length && consumed > 0 ? total : undefined;
}

/** Formats seconds for k6 options: whole seconds as `90s`, otherwise whole milliseconds `1500ms`. */
export function formatDuration(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
