import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import {
  encodeMetricLine,
  encodePointLine,
  parseThresholdsConfig,
  readSamples,
  ThresholdsEvaluator,
  type MetricInfo,
  type Sample,
  type StreamRecord,
} from '../../../vocabulary';
import { createMetricRegistry } from '../metrics/metric-registry';
import { MetricsEngine } from '../metrics/metrics-engine';
import { buildSummaryData, type SummaryData } from '../output/summary-data';

export interface RunnerStreamsInput {
  /** Each runner's k6 JSON stream (`.gz` too); other lines (a runner's logs, as `kubectl logs` mixes them in) are skipped. */
  files: readonly string[];
  /** Where the merged stream is written (plain k6 JSON, ordered by time across runners). */
  outFile: string;
  /**
   * The script's `thresholds` option (k6's shape). Default: the thresholds the streams' Metric
   * lines carry (k6 writes a metric's own thresholds there, but not those of its submetrics).
   */
  thresholds?: unknown;
  signal?: AbortSignal;
}

export interface RunnerCounts {
  file: string;
  points: number;
  requests: number;
  iterations: number;
  /** Lines that were not k6 JSON (logs), skipped. */
  first?: number;
  last?: number;
}

export interface MergedRunners {
  /** handleSummary's data over every runner's samples (exact: every value, not per-runner aggregates). */
  summary: SummaryData;
  /** Metrics/submetrics with a failed threshold (k6's list); non-empty means exit 99. */
  breached: string[];
  /** Threshold errors k6 would log (e.g. a rate with no samples). */
  thresholdErrors: Array<{ metric: string; message: string }>;
  runners: RunnerCounts[];
  /** Span of the merged samples, ms. */
  durationMs: number;
}

/**
 * Merges the k6 JSON streams of runners that each ran a segment of one test (k6-operator
 * runners, `--runners N`) into one stream and one verdict, as if one k6 had run it all:
 *
 *   runner streams ─k-way merge by time─▶ merged samples.ndjson (Metric lines once)
 *                                      └▶ MetricsEngine (every sample) ─▶ thresholds, once, final
 *                                                                       ─▶ handleSummary data
 *
 * Thresholds are judged over the union of samples (percentiles from all values, never averaged
 * per-runner percentiles), exactly as the built-in engine judges a single run.
 */
export async function mergeRunnerStreams(input: RunnerStreamsInput): Promise<MergedRunners> {
  const registry = createMetricRegistry();
  const engine = new MetricsEngine({ registry });
  // Thresholds are bound as each metric's Metric line arrives, before its first sample: a
  // submetric's sink sees only samples pushed after it exists. Given thresholds wait for their
  // metric; without them, each Metric line brings its own.
  const given = input.thresholds === undefined ? undefined : parseThresholdsConfig(input.thresholds);
  if (given?.problems.length) throw new Error(`invalid thresholds: ${given.problems.join('; ')}`);
  const pending = [...(given?.config.entries ?? [])];
  const thresholds = new ThresholdsEvaluator({ entries: [] }, engine);
  const bindFor = (metric: string) => {
    const mine = pending.filter((e) => metricOf(e.key) === metric);
    if (!mine.length) return;
    thresholds.add({ entries: mine });
    for (const e of mine) pending.splice(pending.indexOf(e), 1);
  };
  const runners: RunnerCounts[] = input.files.map((file) => ({ file, points: 0, requests: 0, iterations: 0 }));
  const seenMetrics = new Set<string>();
  const out = createWriteStream(input.outFile);
  let buffered = '';
  const write = async (line: string) => {
    buffered += line;
    if (buffered.length < 1 << 16) return;
    const chunk = buffered;
    buffered = '';
    if (!out.write(chunk)) await once(out, 'drain');
  };

  const onMetric = (m: MetricInfo) => {
    if (seenMetrics.has(m.name)) return false;
    seenMetrics.add(m.name);
    registry.getOrCreate(m.name, m.type, m.contains);
    if (given) bindFor(m.name);
    else if (m.thresholds?.length) {
      const own = parseThresholdsConfig({ [m.name]: [...m.thresholds] });
      if (own.problems.length) throw new Error(`invalid thresholds in the stream: ${own.problems.join('; ')}`);
      thresholds.add(own.config);
    }
    return true;
  };
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const onPoint = (s: Sample, r: RunnerCounts) => {
    if (!registry.get(s.metric)) registry.getOrCreate(s.metric, 'trend'); // a Point before its Metric line: k6 never writes that
    engine.push(s);
    r.points++;
    if (s.metric === 'http_reqs') r.requests += s.value;
    if (s.metric === 'iterations') r.iterations += s.value;
    r.first = Math.min(r.first ?? s.time, s.time);
    r.last = Math.max(r.last ?? s.time, s.time);
    if (s.time < first) first = s.time;
    if (s.time > last) last = s.time;
  };

  // k-way merge: each runner's stream is in time order (within k6's per-second flush jitter)
  const heads = input.files.map((f) => ({ it: readSamples(f, { signal: input.signal })[Symbol.asyncIterator](), next: undefined as StreamRecord | undefined, done: false }));
  const advance = async (h: (typeof heads)[number]) => {
    const r = await h.it.next();
    h.done = r.done === true;
    h.next = r.done ? undefined : r.value;
  };
  await Promise.all(heads.map(advance));
  for (;;) {
    if (input.signal?.aborted) throw input.signal.reason ?? new Error('aborted');
    let pick = -1;
    for (let i = 0; i < heads.length; i++) {
      const n = heads[i].next;
      if (!n) continue;
      if (n.type === 'Metric') {
        pick = i;
        break;
      }
      if (pick === -1 || n.sample.time < (heads[pick].next as { sample: Sample }).sample.time) pick = i;
    }
    if (pick === -1) break;
    const rec = heads[pick].next!;
    if (rec.type === 'Metric') {
      if (onMetric(rec.metric)) await write(`${encodeMetricLine(rec.metric)}\n`);
    } else {
      onPoint(rec.sample, runners[pick]);
      await write(`${encodePointLine(rec.sample)}\n`);
    }
    await advance(heads[pick]);
  }
  out.end(buffered);
  await once(out, 'finish');

  const durationMs = Number.isFinite(first) ? last - first : 0;
  // a threshold on a metric no runner emitted (a custom metric never added to): registered with
  // the type its aggregation implies, it is judged on nothing, as k6 judges it (and the run's
  // threshold coverage names it)
  for (const e of [...pending]) {
    const name = metricOf(e.key);
    if (!registry.get(name)) registry.getOrCreate(name, impliedType(e.thresholds.map((d) => d.source)));
    bindFor(name);
  }
  const result = thresholds.evaluate(durationMs, { final: true });
  const summary = buildSummaryData({ engine, thresholds, testRunDurationMs: durationMs });
  return { summary, breached: result.breached, thresholdErrors: result.errors, runners, durationMs };
}

function metricOf(key: string): string {
  const brace = key.indexOf('{');
  return brace === -1 ? key : key.slice(0, brace);
}

function impliedType(sources: readonly string[]): 'counter' | 'gauge' | 'rate' | 'trend' {
  const agg = sources[0]?.trim().match(/^[a-z]+/)?.[0];
  return agg === 'rate' ? 'rate' : agg === 'count' ? 'counter' : agg === 'value' ? 'gauge' : 'trend';
}
