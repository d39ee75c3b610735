import { closeSync, openSync, writeSync } from 'node:fs';
import { decodeLine, LineTail, type Sample } from '../../../vocabulary';
import { MergedMetrics } from './merged-metrics';
import type { MergedRunners, RunnerCounts } from './merge-runner-streams';

interface Runner {
  tail: LineTail;
  counts: RunnerCounts;
  /** Points read but not yet written, in the runner's order (time order within its flush jitter); their lines alongside (parallel arrays: no object per point). */
  samples: Sample[];
  lines: string[];
  head: number;
  /** Latest sample time read from this runner: nothing earlier can come from it any more. */
  watermark: number;
  done: boolean;
  /** Still read, but holds no one back: it writes nothing until everyone else is done (a lifecycle instance between setup and teardown). */
  idle: boolean;
}

/** How the merged summary is built (the script's options, as the lifecycle instance reports them). */
export interface MergeFinishOptions {
  /** The test's duration as its clock measured it (counter rates divide by it); default: the samples' span. */
  testRunDurationMs?: number;
  summaryTrendStats?: readonly string[];
  summaryTimeUnit?: string;
}

/**
 * Merges runners' k6 JSON streams while they are written (`harness run --runners N`): each
 * `poll()` reads the lines every runner appended, and writes to `outFile` every point that no
 * runner can precede any more (time <= the smallest of the running runners' latest times), in
 * time order; Metric lines once, as they come. Live readers of `outFile` (the stats line, the
 * dashboard, `--out influxdb`) so follow one time-ordered stream, and the same samples feed one
 * MetricsEngine, so `abortOnFail` thresholds are judged over every runner's samples while the
 * test runs and all thresholds once at the end (`finish`).
 *
 *   runner-1.ndjson ─┐  LineTail   per-runner queues   watermark = min(latest time of running runners)
 *   runner-2.ndjson ─┼──────────▶ [..] [..] [..] ──────▶ points <= watermark ──▶ outFile (+ MetricsEngine)
 *   runner-N.ndjson ─┘
 */
export class LiveRunnerMerge {
  private readonly runners: Runner[];
  private readonly merged: MergedMetrics;
  private readonly fd: number;
  private out = '';
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(o: { files: readonly string[]; outFile: string; thresholds?: unknown }) {
    this.merged = new MergedMetrics(o.thresholds);
    this.runners = o.files.map((file) => ({ tail: new LineTail(file), counts: { file, points: 0, requests: 0, iterations: 0 }, samples: [], lines: [], head: 0, watermark: Number.NEGATIVE_INFINITY, done: false, idle: false }));
    this.fd = openSync(o.outFile, 'w');
  }

  get metrics(): MergedMetrics {
    return this.merged;
  }

  /** ms from the first merged sample to the last one written. */
  get elapsedMs(): number {
    return Number.isFinite(this.first) ? this.last - this.first : 0;
  }

  /** Reads what every runner appended and writes what can be ordered. */
  poll(): void {
    for (const r of this.runners) this.read(r);
    this.emit();
  }

  /** Runner `i` exited: read its rest; it holds the watermark back no more. */
  runnerDone(i: number): void {
    const r = this.runners[i];
    this.read(r);
    r.done = true;
    r.tail.close();
    this.emit();
  }

  /**
   * Stream `i` writes nothing more until the others are done (the lifecycle instance after
   * setup, whose samples are on disk by then): read its rest; it holds the watermark back no more.
   */
  idle(i: number): void {
    const r = this.runners[i];
    this.read(r);
    r.idle = true;
    this.emit();
  }

  /** Every runner done: write the rest, bind the thresholds of metrics nobody emitted, judge them once. */
  finish(o: MergeFinishOptions = {}): MergedRunners {
    if (!this.closed) {
      this.runners.forEach((r, i) => !r.done && this.runnerDone(i));
      this.flush();
      closeSync(this.fd);
      this.closed = true;
    }
    return { ...this.merged.finish(o.testRunDurationMs ?? this.elapsedMs, o), runners: this.runners.map((r) => r.counts), durationMs: this.elapsedMs };
  }

  private read(r: Runner): void {
    if (r.done) return;
    for (let chunk = r.tail.read(); chunk; chunk = r.tail.read()) {
      const text = chunk.toString('utf8');
      let at = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; at = nl + 1, nl = text.indexOf('\n', at)) {
        const line = text.slice(at, nl);
        const rec = decodeLine(line);
        if (!rec) continue; // not k6 JSON (a log line)
        if (rec.type === 'Metric') {
          if (this.merged.onMetric(rec.metric)) this.write(`${line}\n`);
          continue;
        }
        r.samples.push(rec.sample);
        r.lines.push(line);
        if (rec.sample.time > r.watermark) r.watermark = rec.sample.time;
      }
    }
  }

  private emit(): void {
    let limit = Number.POSITIVE_INFINITY;
    for (const r of this.runners) if (!r.done && !r.idle) limit = Math.min(limit, r.watermark);
    for (;;) {
      let pick: Runner | undefined;
      let pickT = 0;
      for (const r of this.runners) {
        if (r.head >= r.samples.length) continue;
        const t = r.samples[r.head].time;
        if (t <= limit && (!pick || t < pickT)) {
          pick = r;
          pickT = t;
        }
      }
      if (!pick) break;
      // the picked runner's run of points up to the next runner's head goes at once
      let next = limit;
      for (const r of this.runners) if (r !== pick && r.head < r.samples.length && r.samples[r.head].time < next) next = r.samples[r.head].time;
      do {
        this.point(pick.samples[pick.head], pick.lines[pick.head], pick.counts);
        pick.head++;
      } while (pick.head < pick.samples.length && pick.samples[pick.head].time <= next);
    }
    for (const r of this.runners) {
      if (r.head > 4096 && r.head * 2 > r.samples.length) {
        r.samples.splice(0, r.head);
        r.lines.splice(0, r.head);
        r.head = 0;
      }
    }
    this.flush();
  }

  private point(s: Sample, line: string, c: RunnerCounts): void {
    this.merged.push(s);
    c.points++;
    if (s.metric === 'http_reqs') c.requests += s.value;
    if (s.metric === 'iterations') c.iterations += s.value;
    c.first = Math.min(c.first ?? s.time, s.time);
    c.last = Math.max(c.last ?? s.time, s.time);
    if (s.time < this.first) this.first = s.time;
    if (s.time > this.last) this.last = s.time;
    this.out += line;
    this.out += '\n';
    if (this.out.length >= 1 << 16) this.flush();
  }

  private write(line: string): void {
    this.out += line;
    if (this.out.length >= 1 << 16) this.flush();
  }

  /** Whole lines only, so a reader tailing the file never sees half a line for long. */
  private flush(): void {
    if (!this.out) return;
    writeSync(this.fd, this.out);
    this.out = '';
  }
}
