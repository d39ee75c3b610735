import { createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';
import type { Sample, Tags } from '../types';
import type { MetricInfo, MetricInfoSource, ThresholdJson } from '../metrics/metrics-engine';
import { goFloat, goJsonString, parseRfc3339, rfc3339Nano } from './go-format';
import type { Output, OutputParams } from './types';

/**
 * `--out json[=FILE]` (k6 `output/json`): newline-delimited JSON, byte-compatible with k6 v0.48.
 * The first time a metric appears, a Metric line precedes its first Point:
 * ```
 * {"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":["p(95)<200"],"submetrics":[{"name":"http_req_duration{scenario:ingest}","suffix":"scenario:ingest","tags":{"scenario":"ingest"}}]},"metric":"http_req_duration"}
 * {"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-22T06:41:04.121223835Z","value":6.872477,"tags":{"group":"","scenario":"ingest"}}}
 * ```
 * Tags sorted by key; strings HTML-escaped as Go does (thresholds are not); numbers as Go `%g`.
 * FILE `-` or empty writes to stdout; a `.gz` suffix gzips. Writes are async through the stream's
 * buffer; `stop()` resolves once everything is on disk.
 */
export class JsonOutput implements Output {
  private readonly seen = new Set<string>();
  private readonly filename: string;
  private stream: Writable | undefined;
  private file: WriteStream | undefined;
  private gzip: Gzip | undefined;
  private stopped: Promise<void> | undefined;
  private error: Error | undefined;

  constructor(private readonly params: Pick<OutputParams, 'arg' | 'metrics' | 'cwd' | 'stdout'>) {
    this.filename = params.arg;
  }

  private get toStdout(): boolean {
    return this.filename === '' || this.filename === '-';
  }

  description(): string {
    return this.toStdout ? 'json(stdout)' : `json (${this.filename})`;
  }

  async start(): Promise<void> {
    if (this.toStdout) {
      this.stream = this.params.stdout;
      return;
    }
    const file = createWriteStream(resolve(this.params.cwd, this.filename), { flags: 'w' });
    await new Promise<void>((res, rej) => {
      file.once('open', () => res());
      file.once('error', rej);
    });
    file.on('error', (e) => (this.error ??= e));
    this.file = file;
    if (this.filename.endsWith('.gz')) {
      this.gzip = createGzip();
      this.gzip.on('error', (e) => (this.error ??= e));
      this.gzip.pipe(file);
      this.stream = this.gzip;
    } else this.stream = file;
  }

  write(samples: readonly Sample[]): void {
    if (!this.stream) throw new Error('JsonOutput.write before start()');
    if (samples.length === 0) return;
    if (this.file === undefined || this.gzip !== undefined) {
      this.stream.write(encodeSamples(samples, this.seen, this.params.metrics));
      return;
    }
    // A plain file gets the bytes copied line by line into a reused buffer: building one
    // multi-MB string (a rope) and converting it with Buffer.from cost ~2x more (flattening,
    // fresh memory each time).
    this.buf = this.buffers.pop() ?? Buffer.allocUnsafeSlow(1 << 18);
    this.len = 0;
    encodeLines(samples, this.seen, this.params.metrics, this.append);
    const b = this.buf;
    this.file.write(b.subarray(0, this.len), () => {
      if (this.buffers.length < 8) this.buffers.push(b);
    });
  }

  /** Buffers whose write completed, for reuse. */
  private readonly buffers: Buffer[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private len = 0;
  private readonly append = (line: string): void => {
    if (this.len + line.length * 3 > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.len + line.length * 3));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.len += this.buf.write(line, this.len, 'utf8');
  };

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (!this.stream || this.toStdout) return;
      const file = this.file!;
      const done = new Promise<void>((res, rej) => {
        file.once('close', res);
        file.once('error', rej);
      });
      (this.gzip ?? file).end();
      await done;
      if (this.error) throw this.error;
    })();
    return this.stopped;
  }
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

/** Parses a k6 JSON stream back into metric descriptions and samples (tests, tooling, `harness report`). */
export function parseJsonStream(text: string): { metrics: Map<string, MetricInfo>; samples: Sample[] } {
  const metrics = new Map<string, MetricInfo>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const obj = JSON.parse(line) as { type: string; metric: string; data: Record<string, unknown> };
    if (obj.type === 'Metric') metrics.set(obj.metric, obj.data as unknown as MetricInfo);
    else if (obj.type === 'Point') {
      const d = obj.data as { time: string; value: number; tags: Tags | null; metadata?: Record<string, string> };
      const sample: Sample = { metric: obj.metric, time: parseRfc3339(d.time), value: d.value, tags: d.tags ?? {} };
      if (d.metadata) sample.metadata = d.metadata;
      samples.push(sample);
    }
  }
  return { metrics, samples };
}

