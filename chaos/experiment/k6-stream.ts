import { readFileSync, writeFileSync } from 'node:fs';
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
export interface K6Point {
  metric: string;
  /** ms since the experiment started (journal time). */
  t: number;
  value: number;
  tags: Record<string, string>;
}

export interface K6Stream {
  /** `Metric` lines: name -> k6 type (`counter`, `gauge`, `rate`, `trend`). */
  types: Map<string, string>;
  points: K6Point[];
}

interface JsonLine {
  type: string;
  metric: string;
  data: { time?: string; value?: number; tags?: Record<string, string> | null; name?: string; type?: string };
}

/** Reads a k6 JSON stream; `toJournalMs` maps a Point's wall-clock time (epoch ms) to journal time. */
export function readK6Stream(file: string, toJournalMs: (epochMs: number) => number): K6Stream & { lines: JsonLine[] } {
  const lines: JsonLine[] = [];
  const types = new Map<string, string>();
  const points: K6Point[] = [];
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { lines, types, points };
  }
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    let l: JsonLine;
    try {
      l = JSON.parse(raw) as JsonLine;
    } catch {
      continue; // a line cut by a killed engine
    }
    lines.push(l);
    if (l.type === 'Metric' && l.data.name && l.data.type) types.set(l.data.name, l.data.type);
    else if (l.type === 'Point' && l.data.time !== undefined) {
      points.push({ metric: l.metric, t: toJournalMs(Date.parse(l.data.time)), value: Number(l.data.value), tags: { ...(l.data.tags ?? {}) } });
    }
  }
  return { lines, types, points };
}

/** Adds `tags.phase` to every Point (in place) from the actual fault windows. */
export function tagPoints(points: K6Point[], windows: readonly FaultWindow[]): K6Point[] {
  for (const p of points) p.tags.phase = phaseAt(p.t, windows);
  return points;
}

/**
 * Writes the phase-tagged stream: `Metric` lines unchanged, every `Point` with its `phase` tag,
 * in the k6 JSON format (`{"metric":..,"type":"Point","data":{"time","value","tags"}}`).
 */
export function writeTaggedStream(file: string, stream: K6Stream, toEpochMs: (journalMs: number) => number): void {
  const out: string[] = [];
  for (const [name, type] of stream.types) out.push(JSON.stringify({ type: 'Metric', data: { name, type }, metric: name }));
  for (const p of stream.points) out.push(JSON.stringify({ metric: p.metric, type: 'Point', data: { time: new Date(toEpochMs(p.t)).toISOString(), value: p.value, tags: p.tags } }));
  writeFileSync(file, out.length ? `${out.join('\n')}\n` : '');
}

/**
 * The requests of a k6 stream as load samples (for recovery time and data-loss counts): one per
 * `http_req_duration` Point; `t` = completion - duration, status from the `status` tag
 * (`0` = no response, with k6's `error_code`).
 */
export function samplesFromPoints(points: readonly K6Point[]): LoadSample[] {
  const out: LoadSample[] = [];
  for (const p of points) {
    if (p.metric !== 'http_req_duration') continue;
    const status = Number(p.tags.status ?? 0) || 0;
    out.push({ t: p.t - p.value, durationMs: p.value, status, ...(status === 0 ? { error: p.tags.error_code ?? p.tags.error ?? 'request_failed' } : {}) });
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
  const points: K6Point[] = [];
  for (const s of samples) {
    const t = s.t + s.durationMs;
    const tags: Record<string, string> = { ...extraTags, method: 'POST', name: 'POST /telemetry', status: String(s.status), ...(s.error ? { error_code: s.error } : {}) };
    const failed = s.status === 0 || s.status >= 500 ? 1 : 0;
    points.push({ metric: 'http_reqs', t, value: 1, tags: { ...tags } });
    points.push({ metric: 'http_req_duration', t, value: +s.durationMs.toFixed(3), tags: { ...tags } });
    points.push({ metric: 'http_req_failed', t, value: failed, tags: { ...tags } });
  }
  return { types, points };
}
