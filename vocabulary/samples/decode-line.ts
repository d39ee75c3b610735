import { parseRfc3339 } from './go-format';
import type { MetricInfo, Sample, Tags } from './types';

/** One line of the k6 JSON stream, decoded. */
export type StreamRecord = { type: 'Metric'; metric: MetricInfo } | { type: 'Point'; sample: Sample };

/**
 * The one decoder of a k6 JSON stream line (the streaming reader and every test use it).
 * Returns undefined for a blank line, a line cut short by a killed engine, or an unknown type.
 */
export function decodeLine(line: string): StreamRecord | undefined {
  if (line.trim() === '') return undefined;
  let obj: { type?: unknown; metric?: unknown; data?: Record<string, unknown> };
  try {
    obj = JSON.parse(line);
  } catch {
    return undefined;
  }
  const d = obj?.data;
  if (typeof obj?.metric !== 'string' || d === null || typeof d !== 'object') return undefined;
  if (obj.type === 'Metric') {
    // k6 writes every field; streams from other writers may omit some
    const m = d as Partial<MetricInfo>;
    if (typeof m.name !== 'string' || typeof m.type !== 'string') return undefined;
    return { type: 'Metric', metric: { ...m, name: m.name, type: m.type, contains: m.contains ?? 'default', thresholds: m.thresholds ?? [], submetrics: m.submetrics ?? null } };
  }
  if (obj.type !== 'Point' || typeof d.time !== 'string') return undefined;
  const time = pointTime(d.time);
  if (time === undefined) return undefined;
  const sample: Sample = { metric: obj.metric, time, value: d.value as number, tags: (d.tags as Tags | null) ?? {} };
  if (d.metadata) sample.metadata = d.metadata as Record<string, string>;
  return { type: 'Point', sample };
}

/** Engines stamp a request's samples (and a batch's) with one time: consecutive lines repeat it. */
let lastTimeText = '';
let lastTime: number | undefined;

function pointTime(text: string): number | undefined {
  if (text === lastTimeText) return lastTime;
  let t: number | undefined;
  try {
    t = parseRfc3339(text);
  } catch {
    const d = Date.parse(text);
    t = Number.isNaN(d) ? undefined : d;
  }
  lastTimeText = text;
  lastTime = t;
  return t;
}
