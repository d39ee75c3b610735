import { goFloat, goJsonString, rfc3339Nano } from './go-format';
import type { MetricInfo, Sample, Tags, ThresholdJson } from './types';

/**
 * The one encoder of the k6 JSON stream, byte-compatible with k6 v0.48 `output/json`: the
 * engine's `--out json` and chaos's tagged stream both write through it.
 * Tags sorted by key; strings HTML-escaped as Go does (thresholds are not); numbers as Go `%g`.
 */

/** Describes a metric for its Metric line (the engine's metrics engine, or a stream's Metric lines). */
export interface MetricInfoSource {
  metricInfo(name: string): MetricInfo;
}

/** Lines for a batch; `seen` tracks metrics whose Metric line was already written. */
export function encodeSamples(samples: readonly Sample[], seen: Set<string>, metrics: MetricInfoSource): string {
  let out = '';
  encodeLines(samples, seen, metrics, (line) => {
    out += line;
  });
  return out;
}

/**
 * The lines of `encodeSamples`, one call of `emit` per line (so a caller can copy each short
 * line into a byte buffer: cheaper than building and flattening one multi-MB string).
 */
export function encodeLines(samples: readonly Sample[], seen: Set<string>, metrics: MetricInfoSource, emit: (line: string) => void): void {
  // Samples share tag objects (a request's nine, an iteration's four, and across iterations):
  // each is encoded once (tagsJson); consecutive samples often share their time too.
  let lastTags: Tags | undefined;
  let lastTagsJson = '';
  let lastTime = NaN;
  let lastTimeText = '';
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (!seen.has(s.metric)) {
      seen.add(s.metric);
      emit(encodeMetricLine(metrics.metricInfo(s.metric)));
    }
    const prefix = pointPrefix.get(s.metric) ?? pointPrefixOf(s.metric);
    if (s.tags !== lastTags) {
      lastTags = s.tags;
      lastTagsJson = tagsJson(s.tags);
    }
    if (s.time !== lastTime) {
      lastTime = s.time;
      lastTimeText = flat(rfc3339Nano(s.time));
    }
    emit(s.metadata === undefined ? `${prefix}${lastTimeText}","value":${goFloat(s.value)},"tags":${lastTagsJson}}}\n` : pointLine(s, lastTagsJson));
  }
}

/**
 * A flat (non-rope) copy of a string that is reused in many lines: flattening the batch then
 * copies it instead of walking its concatenation tree every time (measured: 2x on the batch).
 */
function flat(s: string): string {
  // ToNumber flattens a string in place in V8 (the trick of the flatstr package)
  void Number(s);
  return s;
}

/** `{"metric":"x","type":"Point","data":{"time":"` per metric name. */
const pointPrefix = new Map<string, string>();
function pointPrefixOf(metric: string): string {
  let p = pointPrefix.get(metric);
  if (p === undefined) {
    p = flat(`{"metric":${goJsonString(metric)},"type":"Point","data":{"time":"`);
    if (pointPrefix.size > 10_000) pointPrefix.clear();
    pointPrefix.set(metric, p);
  }
  return p;
}

/**
 * Encoded tags by object identity: sample tag objects are immutable once pushed (the runtime
 * reuses them across samples and iterations), so their JSON is computed once.
 */
const tagsJsonCache = new WeakMap<Tags, string>();
function tagsJson(tags: Tags): string {
  let j = tagsJsonCache.get(tags);
  if (j === undefined) {
    j = flat(encodeTags(tags));
    tagsJsonCache.set(tags, j);
  }
  return j;
}

export function encodeMetricLine(m: MetricInfo): string {
  const name = goJsonString(m.name);
  const subs =
    m.submetrics === null
      ? 'null'
      : `[${m.submetrics.map((sm) => `{"name":${goJsonString(sm.name)},"suffix":${goJsonString(sm.suffix)},"tags":${encodeTags(sm.tags)}}`).join(',')}]`;
  return `{"type":"Metric","data":{"name":${name},"type":"${m.type}","contains":"${m.contains}","thresholds":[${m.thresholds.map(encodeThreshold).join(',')}],"submetrics":${subs}},"metric":${name}}\n`;
}

function encodeThreshold(t: ThresholdJson): string {
  if (typeof t === 'string') return goJsonString(t, false);
  return `{"threshold":${goJsonString(t.threshold, false)},"abortOnFail":${t.abortOnFail},"delayAbortEval":${t.delayAbortEval === null ? 'null' : goJsonString(t.delayAbortEval, false)}}`;
}

export function encodePointLine(s: Sample): string {
  return pointLine(s, encodeTags(s.tags));
}

function pointLine(s: Sample, tagsJson: string): string {
  let line = `{"metric":${goJsonString(s.metric)},"type":"Point","data":{"time":"${rfc3339Nano(s.time)}","value":${goFloat(s.value)},"tags":${tagsJson}`;
  if (s.metadata && Object.keys(s.metadata).length > 0) line += `,"metadata":${encodeTags(s.metadata)}`;
  return `${line}}}\n`;
}

function encodeTags(tags: Tags): string {
  const keys = Object.keys(tags);
  if (keys.length === 0) return '{}';
  keys.sort(); // Go sorts map keys bytewise; JS default sort is by UTF-16 units: equal for ASCII keys
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ',';
    out += `${goJsonString(keys[i])}:${goJsonString(tags[keys[i]])}`;
  }
  return `${out}}`;
}

