import { closeSync, createWriteStream, existsSync, openSync, writeFileSync, writeSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';
import { decodeLine, encodeLines, encodeMetricLine, encodeSamples, type MetricInfo, type Sample } from '../../../vocabulary';
import type { Output, OutputParams, WithFlushed } from './types';

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
export class JsonOutput implements Output, WithFlushed {
  private readonly seen = new Set<string>();
  private readonly filename: string;
  private stream: Writable | undefined;
  private file: WriteStream | undefined;
  private gzip: Gzip | undefined;
  private stopped: Promise<void> | undefined;
  private error: Error | undefined;

  /** With `sharedJsonDir`: this instance's own fd on the file, for the Metric lines it declares. */
  private sharedFd: number | undefined;

  constructor(private readonly params: Pick<OutputParams, 'arg' | 'metrics' | 'cwd' | 'stdout' | 'sharedJsonDir'>) {
    this.filename = params.arg;
  }

  private get shared(): boolean {
    return this.params.sharedJsonDir !== undefined && !this.toStdout && !this.filename.endsWith('.gz');
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
    const path = resolve(this.params.cwd, this.filename);
    // shared: O_APPEND, so whole-batch writes of several processes never overwrite each other
    const file = createWriteStream(path, { flags: this.shared ? 'a' : 'w' });
    if (this.shared) this.sharedFd = openSync(path, 'a');
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
    if (this.sharedFd !== undefined) this.declareShared(samples);
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

  /**
   * Shared file: the first instance to claim a metric (an exclusive create in the shared dir)
   * appends its Metric line at once, synchronously, then marks it written; the others wait for
   * that mark (microseconds) and write none. So the file has one Metric line per metric, before
   * any instance's points of it (their batches are written after this returns).
   */
  private declareShared(samples: readonly Sample[]): void {
    for (let i = 0; i < samples.length; i++) {
      const name = samples[i].metric;
      if (this.seen.has(name)) continue;
      this.seen.add(name);
      const claim = join(this.params.sharedJsonDir!, `metric-${name}`);
      let won = false;
      try {
        closeSync(openSync(claim, 'wx'));
        won = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      if (won) {
        writeSync(this.sharedFd!, encodeMetricLine(this.params.metrics.metricInfo(name)));
        writeFileSync(`${claim}.written`, '');
        continue;
      }
      const waitUntil = Date.now() + 2000;
      const tick = new Int32Array(new SharedArrayBuffer(4));
      while (!existsSync(`${claim}.written`)) {
        // the claimer died between claiming and writing: write the line ourselves (a duplicate at worst)
        if (Date.now() > waitUntil) {
          writeSync(this.sharedFd!, encodeMetricLine(this.params.metrics.metricInfo(name)));
          break;
        }
        Atomics.wait(tick, 0, 0, 1);
      }
    }
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

  /** A plain file's writes complete in order, so an empty write's callback comes after all of them. */
  flushed(): Promise<void> {
    const file = this.file;
    if (!file || this.gzip || this.stopped) return Promise.resolve();
    return new Promise<void>((res) => file.write(Buffer.alloc(0), () => res()));
  }

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
      if (this.sharedFd !== undefined) closeSync(this.sharedFd);
      this.sharedFd = undefined;
      if (this.error) throw this.error;
    })();
    return this.stopped;
  }
}

/**
 * A whole k6 JSON stream held in a string, decoded with the one line decoder (vocabulary/samples).
 * For tests against recorded fixtures; files are read with `readSamples`, never whole.
 */
export function parseJsonStream(text: string): { metrics: Map<string, MetricInfo>; samples: Sample[] } {
  const metrics = new Map<string, MetricInfo>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const r = decodeLine(line);
    if (r?.type === 'Metric') metrics.set(r.metric.name, r.metric);
    else if (r?.type === 'Point') samples.push(r.sample);
  }
  return { metrics, samples };
}

// The encoder is k6 vocabulary; the engine's output re-exports it for its callers.
export { encodeSamples, encodeMetricLine, encodePointLine } from '../../../vocabulary';
