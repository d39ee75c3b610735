import { closeSync, openSync, writeSync } from 'node:fs';
import { LineTail } from '../../../vocabulary';
import { MergedMetrics } from './merged-metrics';
import type { MergeFinishOptions } from './live-runner-merge';
import type { MergedRunners, RunnerCounts } from './merge-runner-streams';
import type { AggregatesRecord } from './runners-protocol';

interface Stream {
  raw: LineTail | undefined;
  aggregates: LineTail;
  counts: RunnerCounts;
  done: boolean;
}

const METRIC_PREFIX = Buffer.from('{"type":"Metric"');
const NL = 0x0a;

/**
 * The merge of built-in runners that ship aggregates (`harness run --runners N`, built-in engine):
 * no sample line is decoded here. Each `poll()` adds every runner's new `AggregatesRecord` lines
 * (`RunnerAggregates`) into one MergedMetrics, so `abortOnFail` is judged over every runner's data
 * while the test runs and all thresholds once at the end, with percentiles over every value.
 * The raw lines: normally the runners append them to the run's samples file themselves
 * (`--json-shared`, no `outFile` here); given an `outFile`, each runner's new raw k6 JSON lines
 * are appended to it as bytes, in chunks of whole lines (ordered per runner, not by time across
 * runners), each metric's first Metric line kept (found by its prefix; they are a handful).
 *
 *   runner-i ──(--json-shared: O_APPEND)──────────────▶ samples.ndjson
 *   runner-i.aggregates ─ one line per 500 ms ───────▶ MergedMetrics ─▶ thresholds, summary
 *
 * Same surface as LiveRunnerMerge (which real k6's runners, which send no aggregates, still use).
 */
export class ConcatRunnerMerge {
  private readonly streams: Stream[];
  private readonly merged: MergedMetrics;
  private readonly fd: number | undefined;
  private readonly metricLines = new Set<string>();
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  private closed = false;

  /** Without `outFile` the instances append their raw lines to the samples file themselves (`--json-shared`): only the aggregates are read. */
  constructor(o: { files: readonly string[]; aggregates: readonly string[]; outFile?: string; thresholds?: unknown }) {
    if (o.files.length !== o.aggregates.length) throw new Error('ConcatRunnerMerge: one aggregates file per stream');
    this.merged = new MergedMetrics(o.thresholds);
    const out = o.outFile;
    this.streams = o.files.map((file, i) => ({ raw: out === undefined ? undefined : new LineTail(file), aggregates: new LineTail(o.aggregates[i]), counts: { file, points: 0, requests: 0, iterations: 0 }, done: false }));
    this.fd = out === undefined ? undefined : openSync(out, 'w');
  }

  get metrics(): MergedMetrics {
    return this.merged;
  }

  /** ms from the first sample aggregated to the last one. */
  get elapsedMs(): number {
    return Number.isFinite(this.first) ? this.last - this.first : 0;
  }

  poll(): void {
    for (const s of this.streams) this.read(s);
  }

  runnerDone(i: number): void {
    const s = this.streams[i];
    if (s.done) return;
    this.read(s);
    s.done = true;
    s.raw?.close();
    s.aggregates.close();
  }

  /** Nothing is held back here (bytes go out as they come): kept for LiveRunnerMerge's surface. */
  idle(i: number): void {
    this.read(this.streams[i]);
  }

  finish(o: MergeFinishOptions = {}): MergedRunners {
    if (!this.closed) {
      this.streams.forEach((_, i) => this.runnerDone(i));
      if (this.fd !== undefined) closeSync(this.fd);
      this.closed = true;
    }
    return { ...this.merged.finish(o.testRunDurationMs ?? this.elapsedMs, o), runners: this.streams.map((s) => s.counts), durationMs: this.elapsedMs };
  }

  private read(s: Stream): void {
    if (s.done) return;
    if (s.raw) for (let chunk = s.raw.read(); chunk; chunk = s.raw.read()) this.copy(chunk);
    for (let chunk = s.aggregates.read(); chunk; chunk = s.aggregates.read()) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) this.apply(s.counts, JSON.parse(line) as AggregatesRecord);
    }
  }

  /** Whole lines out as they came, minus Metric lines already written. */
  private copy(chunk: Buffer): void {
    const fd = this.fd!;
    let from = 0;
    for (let at = chunk.indexOf(METRIC_PREFIX); at !== -1; at = chunk.indexOf(METRIC_PREFIX, at + 1)) {
      if (at > 0 && chunk[at - 1] !== NL) continue; // the prefix inside a line (a tag value)
      const end = chunk.indexOf(NL, at) + 1;
      const line = chunk.toString('utf8', at, end);
      const name = (JSON.parse(line) as { metric: string }).metric;
      if (!this.metricLines.has(name)) {
        this.metricLines.add(name);
        continue;
      }
      if (at > from) writeSync(fd, chunk, from, at - from);
      from = end;
    }
    if (from < chunk.length) writeSync(fd, chunk, from, chunk.length - from);
  }

  private apply(c: RunnerCounts, rec: AggregatesRecord): void {
    this.merged.applyAggregates(rec);
    c.points += rec.points;
    for (const m of rec.metrics) {
      if (m.delta.type !== 'counter') continue;
      if (m.name === 'http_reqs') c.requests += m.delta.sum;
      else if (m.name === 'iterations') c.iterations += m.delta.sum;
    }
    if (rec.first !== undefined && rec.last !== undefined) {
      c.first = Math.min(c.first ?? rec.first, rec.first);
      c.last = Math.max(c.last ?? rec.last, rec.last);
      if (rec.first < this.first) this.first = rec.first;
      if (rec.last > this.last) this.last = rec.last;
    }
  }
}
