import { readSamples, SampleFileWriter, type MetricInfo, type MetricType, type Sample } from '../../vocabulary';
import type { K6Stream } from './k6-stream-type';
import type { LoadSample } from './load';
import { phaseAt, type FaultWindow } from './schedule';

/**
 * The background load's samples as k6 `--out json` lines, and their phase tagging:
 *
 *   engine ─▶ k6.ndjson ─▶ tagK6Stream(windows from the journal) ─▶ chaos-samples.jsonl
 *                                      (each Point + tags.phase)      (same k6 JSON format)
 *
 * A Point's phase is the phase at its own timestamp (k6 stamps HTTP metrics when the response
 * completed, i.e. when the client saw it), so every metric of the stream (http_*, checks,
 * custom ones) is split the same way and per-phase thresholds read the tagged stream.
 */
export type { K6Stream };

/** Reads a k6 JSON stream (the one streaming reader); `toJournalMs` maps a Point's epoch ms to journal time. */
export async function readK6Stream(file: string, toJournalMs: (epochMs: number) => number): Promise<K6Stream> {
  const types = new Map<string, string>();
  const metrics = new Map<string, MetricInfo>();
  const points: Sample[] = [];
  for await (const r of readSamples(file)) {
    if (r.type === 'Metric') {
      types.set(r.metric.name, r.metric.type);
      metrics.set(r.metric.name, r.metric);
    } else points.push({ ...r.sample, time: toJournalMs(r.sample.time), tags: { ...r.sample.tags } });
  }
  return { types, metrics, points };
}

/** Adds `tags.phase` to every Point (in place) from the actual fault windows. */
export function tagPoints(points: Sample[], windows: readonly FaultWindow[]): Sample[] {
  for (const p of points) p.tags.phase = phaseAt(p.time, windows);
  return points;
}

/**
 * Writes the phase-tagged stream in the k6 JSON format through the one encoder: `Metric` lines
 * first (as read, or built from the types), then every `Point` with its `phase` tag and its
 * epoch time.
 */
export function writeTaggedStream(file: string, stream: K6Stream, toEpochMs: (journalMs: number) => number): void {
  using out = new SampleFileWriter(file);
  for (const [name, type] of stream.types) {
    out.metric(stream.metrics?.get(name) ?? { name, type: type as MetricType, contains: type === 'trend' && name.endsWith('_duration') ? 'time' : 'default', thresholds: [], submetrics: null });
  }
  for (const p of stream.points) out.point({ ...p, time: toEpochMs(p.time) });
}

/**
 * The requests of a k6 stream as load samples (for recovery time and data-loss counts): one per
 * `http_req_duration` Point; `t` = completion - duration, status from the `status` tag
 * (`0` = no response, with k6's `error_code`).
 */
export function samplesFromPoints(points: readonly Sample[]): LoadSample[] {
  const out: LoadSample[] = [];
  for (const p of points) {
    if (p.metric !== 'http_req_duration') continue;
    const status = Number(p.tags.status ?? 0) || 0;
    out.push({ t: p.time - p.value, durationMs: p.value, status, ...(status === 0 ? { error: p.tags.error_code ?? p.tags.error ?? 'request_failed' } : {}) });
  }
  return out.sort((a, b) => a.t - b.t);
}

/**
 * The k6 stream equivalent of the built-in HTTP load's samples (`http_reqs`, `http_req_duration`,
 * `http_req_failed` per request, stamped at completion), so both drivers share one analysis.
 */
export function pointsFromSamples(samples: readonly LoadSample[], extraTags: Record<string, string> = {}): K6Stream {
  const types = new Map([
    ['http_reqs', 'counter'],
    ['http_req_duration', 'trend'],
    ['http_req_failed', 'rate'],
  ]);
  const points: Sample[] = [];
  for (const s of samples) {
    const t = s.t + s.durationMs;
    const tags: Record<string, string> = { ...extraTags, method: 'POST', name: 'POST /telemetry', status: String(s.status), ...(s.error ? { error_code: s.error } : {}) };
    const failed = s.status === 0 || s.status >= 500 ? 1 : 0;
    points.push({ metric: 'http_reqs', time: t, value: 1, tags: { ...tags } });
    points.push({ metric: 'http_req_duration', time: t, value: +s.durationMs.toFixed(3), tags: { ...tags } });
    points.push({ metric: 'http_req_failed', time: t, value: failed, tags: { ...tags } });
  }
  return { types, points };
}
