import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { encodeMetricLine, encodePointLine, readSamples, type Sample, type StreamRecord } from '../../../vocabulary';
import type { SummaryData } from '../output/summary-data';
import { MergedMetrics } from './merged-metrics';

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
  const merged = new MergedMetrics(input.thresholds);
  const runners: RunnerCounts[] = input.files.map((file) => ({ file, points: 0, requests: 0, iterations: 0 }));
  const out = createWriteStream(input.outFile);
  let buffered = '';
  const write = async (line: string) => {
    buffered += line;
    if (buffered.length < 1 << 16) return;
    const chunk = buffered;
    buffered = '';
    if (!out.write(chunk)) await once(out, 'drain');
  };

  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const onPoint = (s: Sample, r: RunnerCounts) => {
    merged.push(s);
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
      if (merged.onMetric(rec.metric)) await write(`${encodeMetricLine(rec.metric)}\n`);
    } else {
      onPoint(rec.sample, runners[pick]);
      await write(`${encodePointLine(rec.sample)}\n`);
    }
    await advance(heads[pick]);
  }
  out.end(buffered);
  await once(out, 'finish');

  const durationMs = Number.isFinite(first) ? last - first : 0;
  return { ...merged.finish(durationMs), runners, durationMs };
}
