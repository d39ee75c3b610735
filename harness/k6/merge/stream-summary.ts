import { readSampleBatches } from '../../../vocabulary';
import type { SummaryData } from '../output/summary-data';
import { MergedMetrics } from './merged-metrics';

export interface StreamSummary {
  /** handleSummary's data over every sample of the stream (`summaryExportJson` makes the export of it). */
  summary: SummaryData;
  /** Metrics/submetrics with a failed threshold, judged over the stream. */
  breached: string[];
  /** Point lines read; 0 when the run sampled nothing. */
  points: number;
  /** Span of the samples, ms (the test's duration as the stream shows it). */
  durationMs: number;
}

/**
 * The end-of-test summary of one finished k6 JSON stream (`.gz` too), computed as the engine
 * would (MergedMetrics over every sample, thresholds judged once): for a run whose engine
 * exported none (`--summary-mode disabled`), so the harness still has the data its report and
 * gates read. `thresholds`: the script's option (k6's shape); default, the stream's Metric lines'.
 */
export async function streamSummary(file: string, o: { thresholds?: unknown; signal?: AbortSignal } = {}): Promise<StreamSummary> {
  const merged = new MergedMetrics(o.thresholds);
  let points = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for await (const batch of readSampleBatches(file, { signal: o.signal, bufferBytes: 1 << 20 })) {
    for (const r of batch) {
      if (r.type === 'Metric') {
        merged.onMetric(r.metric);
        continue;
      }
      merged.push(r.sample);
      points++;
      if (r.sample.time < first) first = r.sample.time;
      if (r.sample.time > last) last = r.sample.time;
    }
  }
  const durationMs = points ? last - first : 0;
  const { summary, breached } = merged.finish(durationMs);
  return { summary, breached, points, durationMs };
}
