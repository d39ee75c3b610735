import { formatDuration } from '../../../vocabulary';

/** k6's logo (consts.Banner). */
export const K6_BANNER = [
  '          /\\      |‾‾| /‾‾/   /‾‾/   ',
  '     /\\  /  \\     |  |/  /   /  /    ',
  '    /  \\/    \\    |     (   /   ‾‾\\  ',
  '   /          \\   |  |\\  \\ |  (‾)  | ',
  '  / __________ \\  |__| \\__\\ \\_____/ .io',
].join('\n');

/** What k6 prints first (unless --quiet): `\n` + logo + `\n\n`. */
export function renderBanner(): string {
  return `\n${K6_BANNER}\n\n`;
}

export interface ScenarioLine {
  name: string;
  /** The executor's description, e.g. `20.00 iterations/s for 2s (maxVUs: 5, gracefulStop: 30s)`. */
  description: string;
  /** Sort key (k6 sorts by startTime, then name). */
  startTimeMs?: number;
}

export interface ExecutionDescription {
  /** 'local' */
  execution?: string;
  /** As the user gave it. */
  script: string;
  /** Output descriptions (`Output.description()`); empty → `-`. */
  outputs: string[];
  /** Execution segment share, default 1 (100.00%). */
  segmentFraction?: number;
  scenarios: ScenarioLine[];
  maxVUs: number;
  /** Longest scenario end incl. graceful stop, in ms (rounded to 100 ms as k6 does). */
  maxDurationMs: number;
  /** ANSI cyan values, as k6 on a TTY without --no-color. */
  color?: boolean;
}

/**
 * The block after the banner (k6 `printExecutionDescription`):
 * ```
 *   execution: local
 *      script: ref.js
 *      output: json (points.ndjson)
 *
 *   scenarios: (100.00%) 2 scenarios, 6 max VUs, 10m30s max duration (incl. graceful stop):
 *            * ingest: 20.00 iterations/s for 2s (maxVUs: 5, gracefulStop: 30s)
 *
 * ```
 */
export function renderExecutionDescription(d: ExecutionDescription): string {
  const c = (s: string) => (d.color ? `\x1b[36m${s}\x1b[0m` : s);
  const scenarios = [...d.scenarios].sort((a, b) =>
    (a.startTimeMs ?? 0) === (b.startTimeMs ?? 0) ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : (a.startTimeMs ?? 0) - (b.startTimeMs ?? 0),
  );
  const count = scenarios.length === 1 ? '1 scenario' : `${scenarios.length} scenarios`;
  const maxDur = formatDuration(Math.round(d.maxDurationMs / 100) * 100);
  let out = `  execution: ${c(d.execution ?? 'local')}\n`;
  out += `     script: ${c(d.script)}\n`;
  out += `     output: ${c(d.outputs.length ? d.outputs.join(', ') : '-')}\n\n`;
  out += `  scenarios: ${c(`(${((d.segmentFraction ?? 1) * 100).toFixed(2)}%) ${count}, ${d.maxVUs} max VUs, ${maxDur} max duration (incl. graceful stop):`)}\n`;
  for (const s of scenarios) out += `           * ${s.name}: ${s.description}\n`;
  return `${out}\n`;
}

/** k6's logrus text line for stderr: `time="2026-11-22T06:41:06Z" level=error msg="…"` (+ ` key=value` fields). */
export function logfmtLine(level: 'debug' | 'info' | 'warning' | 'error', msg: string, fields: Record<string, unknown> = {}, now = Date.now()): string {
  const time = new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const q = (v: string) => (/^[A-Za-z0-9_.\-/:]+$/.test(v) ? v : JSON.stringify(v));
  let line = `time="${time}" level=${level} msg=${JSON.stringify(msg)}`;
  for (const [k, v] of Object.entries(fields)) line += ` ${k}=${q(String(v))}`;
  return `${line}\n`;
}
