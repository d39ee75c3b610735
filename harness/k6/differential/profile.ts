import type { ScriptRun } from '../conformance/run-script';

/**
 * What a k6 run did, reduced to what does not depend on time or on the machine, so a run of real
 * k6 v0.48 and a run of the built-in engine can be compared with deepEqual. Values that do depend
 * on time (durations, rates, counts of duration-bound executors) are left out, or, when a script
 * names them with `// @vary`, kept only as "some" (more than zero) or 0.
 */
export interface Profile {
  code: number;
  /** `iterations` samples per scenario. */
  iterations: Record<string, number | 'some'>;
  /** `http_reqs` samples per `METHOD name status` (name is the URL or the `name` tag). */
  requests: Record<string, number | 'some'>;
  /** Checks per `::group::check` path. */
  checks: Record<string, { passes: number | 'some'; fails: number | 'some' }>;
  /** Threshold verdicts per `metric` then expression: true when it held (k6's summary export says `false` for "not failed"). */
  thresholds: Record<string, Record<string, boolean>>;
  /** Custom metrics' values from the summary export (a Counter's rate, being time-bound, left out). */
  metrics: Record<string, Record<string, number | 'some'>>;
  /** Files the run left in its working directory apart from the two the runner asks for (handleSummary's). */
  files: Record<string, string>;
  /** Requests the target received, per `METHOD path`. */
  server: Record<string, number | 'some'>;
  /** Log lines: `level source: msg` (+ ` error=…` for k6's own warnings); stack traces cut to their first line. */
  log: string[];
  /** stdout when the script has handleSummary (otherwise it is the time-bound end-of-test summary). */
  stdout?: string;
}

/** Names k6 itself emits; everything else in the summary is a custom metric of the script. */
const BUILTIN_METRICS = new Set([
  'checks', 'data_received', 'data_sent', 'dropped_iterations', 'group_duration', 'http_req_blocked', 'http_req_connecting',
  'http_req_duration', 'http_req_failed', 'http_req_receiving', 'http_req_sending', 'http_req_tls_handshaking', 'http_req_waiting',
  'http_reqs', 'iteration_duration', 'iterations', 'vus', 'vus_max',
]);

export interface ProfileInput {
  run: ScriptRun;
  /** Files in the run's directory (name -> content), without points.ndjson / summary.json. */
  files: Record<string, string>;
  server: Map<string, number>;
  /** Profile fields whose counts depend on time (`// @vary iterations requests server checks`). */
  vary: string[];
  /** Text substitutions applied to every recorded string (ports, temp dirs). */
  normalise: (s: string) => string;
  /** The script exports handleSummary: its stdout is the script's (runs are `--quiet`, so no banner). */
  handleSummary: boolean;
}

export function profileOf({ run, files, server, vary, normalise, handleSummary }: ProfileInput): Profile {
  const v = (field: string) => (n: number): number | 'some' => (vary.includes(field) && n > 0 ? 'some' : n);
  const iterations: Record<string, number> = {};
  const requests: Record<string, number> = {};
  const checks: Record<string, { passes: number; fails: number }> = {};
  for (const s of run.samples) {
    if (s.metric === 'iterations') iterations[s.tags.scenario ?? '-'] = (iterations[s.tags.scenario ?? '-'] ?? 0) + 1;
    else if (s.metric === 'http_reqs') {
      const k = normalise(`${s.tags.method} ${s.tags.name} ${s.tags.status}`);
      requests[k] = (requests[k] ?? 0) + 1;
    } else if (s.metric === 'checks') {
      const k = `${s.tags.group ?? ''}::${s.tags.check}`;
      const c = (checks[k] ??= { passes: 0, fails: 0 });
      if (s.value) c.passes++;
      else c.fails++;
    }
  }
  const thresholds: Profile['thresholds'] = {};
  const metrics: Profile['metrics'] = {};
  for (const [name, m] of Object.entries<Record<string, unknown>>(run.summary?.metrics ?? {})) {
    const th = m.thresholds as Record<string, boolean> | undefined;
    if (th) thresholds[name] = Object.fromEntries(Object.entries(th).map(([e, failed]) => [e, !failed]).sort());
    if (BUILTIN_METRICS.has(name.split('{')[0])) continue;
    const values: Record<string, number | 'some'> = {};
    for (const [k, x] of Object.entries(m)) if (typeof x === 'number' && k !== 'rate') values[k] = round(x);
    metrics[name] = values;
  }
  const p: Profile = {
    code: run.code,
    iterations: mapValues(sorted(iterations), v('iterations')),
    requests: mapValues(sorted(requests), v('requests')),
    checks: mapValues(sorted(checks), (c) => ({ passes: v('checks')(c.passes), fails: v('checks')(c.fails) })),
    thresholds: sorted(thresholds),
    metrics: sorted(metrics),
    files: mapValues(sorted(files), normalise),
    server: mapValues(sorted(Object.fromEntries(server)), v('server')),
    log: logLines(run.stderr).map(normalise),
  };
  // The default end-of-test summary (a handleSummary that failed falls back to it) is all timings.
  if (handleSummary && !run.stdout.includes('iteration_duration')) p.stdout = normalise(run.stdout.trim());
  return p;
}

/** Float noise (summary export vs our JSON) is not a difference: 9 significant digits. */
function round(x: number): number {
  return Number.isInteger(x) ? x : Number(x.toPrecision(9));
}

function sorted<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function mapValues<T, U>(o: Record<string, T>, f: (x: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, f(x)]));
}

/**
 * The first line of a logged text, with k6's `GoError` (an error raised by Go code) read as `Error`:
 * frames are engine-specific, and the built-in engine's module errors are plain Errors (a difference
 * listed in docs/engine.md, kept out of every comparison here).
 */
function firstLine(s: string): string {
  return s.split('\n')[0].replaceAll('GoError: ', 'Error: ');
}

/** Parses one logfmt line (`time="…" level=info msg="a \"b\"" source=console`) into its fields. */
export function parseLogfmt(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([\w.-]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out[m[1]] = m[2] !== undefined ? JSON.parse(`"${m[2]}"`) : m[3];
  return out;
}

/**
 * The log lines a script caused: console output, k6's warnings (Request Failed with its error
 * text) and errors, each cut to its first line.
 * Lines about the run itself (thresholds crossed, timeouts) are kept; time stamps are not.
 */
export function logLines(stderr: string): string[] {
  const out: string[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('time=')) continue;
    const f = parseLogfmt(line);
    let s = `${f.level}${f.source ? ` ${f.source}` : ''}: ${firstLine(f.msg ?? '')}`;
    if (f.error) s += ` error=${firstLine(f.error)}`;
    out.push(s);
  }
  return out;
}
