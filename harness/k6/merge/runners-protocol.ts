import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SinkDelta } from '../../../vocabulary';
import type { SummaryGroup, SummaryMetric } from '../output/summary-data';

/**
 * How `harness run --runners N` runs setup(), teardown() and handleSummary() once for N runner
 * processes (docs/scaling.md, "One setup, one teardown, one summary"). The coordinator
 * (RunnersEngine) starts one *lifecycle* instance (`harness k6 run --lifecycle-for DIR`: no
 * scenario) beside the runners (`--setup-from DIR --no-teardown`); they meet through files in DIR,
 * each written whole (temp file + rename), so a reader never sees half of one:
 *
 *   lifecycle                         coordinator                         runners
 *   load script ─▶ ready.json ───────▶ thresholds → start the merge
 *   setup()     ─▶ setup.json ───────────────────────────────────────────▶ setup data → scenarios
 *                                      every runner exited ─▶ runners-done
 *   teardown()  ◀── runners-done
 *   close --out ─▶ teardown-done ────▶ read its last samples, judge thresholds once
 *   handleSummary(data) ◀── summary.json (merged metrics, root_group)
 *
 * The lifecycle instance's own samples (setup's and teardown's requests) are a stream of the
 * merge like a runner's, so they count once, as in one process.
 */
export const RUNNERS_FILES = {
  ready: 'ready.json',
  setup: 'setup.json',
  runnersDone: 'runners-done',
  teardownDone: 'teardown-done',
  summary: 'summary.json',
} as const;

/** The lifecycle instance loaded the script: what the coordinator needs before the first sample. */
export interface ReadyMessage {
  /** The consolidated `thresholds` option (as `k6 inspect` prints it); undefined without. */
  thresholds?: unknown;
  /** The summary's trend columns and time unit (the merged data is built with them). */
  summaryTrendStats: string[];
  summaryTimeUnit: string;
}

/** setup() ended: its JSON-copied return value, or `ok: false` when it failed or the test was stopped in it. */
export interface SetupMessage {
  ok: boolean;
  data?: unknown;
}

/** teardown() ended and the lifecycle's samples are on disk; the test's duration as its clock measured it. */
export interface TeardownDoneMessage {
  testRunDurationMs: number;
}

/** The merged part of handleSummary's `data`; the lifecycle instance adds `options`, `state`, `setup_data`. */
export interface MergedSummaryMessage {
  metrics: Record<string, SummaryMetric>;
  root_group: SummaryGroup;
  /** The percentiles the trend thresholds name (`p(99)<500`), by metric and fraction (`"0.99"`): the summary shows them beside the thresholds. */
  percentiles?: Record<string, Record<string, number>>;
  /** The merged k6 JSON stream, complete (full summary mode reads its per-group and per-scenario data from it). */
  samplesFile?: string;
}

/**
 * One line of a runner's `--aggregates-out` file (`harness run --runners N` with the built-in
 * engine): what its metrics engine aggregated since the previous line. The harness adds these up
 * instead of decoding every raw line (docs/scaling.md, "How it scales"); the runner's raw k6 JSON
 * lines are only concatenated into the run's samples file.
 */
export interface AggregatesRecord {
  /** Samples pushed since the previous record; the first and last sample time so far (ms since the epoch). */
  points: number;
  first?: number;
  last?: number;
  /** Metrics first (`type`, `contains` set), then submetrics (`parent{tag:value}`), each with its sink's gain. */
  metrics: Array<{ name: string; type: 'counter' | 'gauge' | 'rate' | 'trend'; contains?: 'default' | 'time' | 'data'; delta: SinkDelta }>;
  /** Group paths first entered since the previous record, in order. */
  groups: string[];
  /** Checks' passes and fails gained, by group path and name (new checks in first-run order). */
  checks: Array<{ group: string; name: string; passes: number; fails: number }>;
}

export function writeRunnersFile(dir: string, name: string, body: unknown): void {
  const path = join(dir, name);
  writeFileSync(`${path}.tmp`, body === undefined ? '' : JSON.stringify(body));
  renameSync(`${path}.tmp`, path);
}

/** The file's JSON once it exists (polled every `pollMs`); rejects with the signal's reason when aborted first. */
export async function waitForRunnersFile<T>(dir: string, name: string, o: { signal?: AbortSignal; pollMs?: number } = {}): Promise<T> {
  const path = join(dir, name);
  for (;;) {
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      return (text ? JSON.parse(text) : undefined) as T;
    }
    if (o.signal?.aborted) throw o.signal.reason ?? new Error('aborted');
    await new Promise<void>((res) => {
      const t = setTimeout(done, o.pollMs ?? 20);
      function done() {
        o.signal?.removeEventListener('abort', done);
        clearTimeout(t);
        res();
      }
      o.signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/** Non-blocking: the file's JSON if it exists yet. */
export function readRunnersFile<T>(dir: string, name: string): T | undefined {
  const path = join(dir, name);
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  return (text ? JSON.parse(text) : undefined) as T;
}
