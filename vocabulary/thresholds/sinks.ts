import type { MetricType } from '../samples';

/**
 * Aggregators with k6 v0.48's exact arithmetic (`metrics/sink.go`), so summaries computed from
 * the same samples match k6's to the last bit:
 * - Counter: running sum (in arrival order) and whether anything arrived.
 * - Gauge: last value, min, and max — max starts at 0 as in k6 (an all-negative gauge reports max 0).
 * - Rate: non-zero samples ("passes") over total.
 * - Trend: every value kept (k6 sorts them for percentiles); sum in arrival order for `avg`.
 *   Percentile = linear interpolation between the closest ranks: i = p·(n−1).
 */
export interface Sink {
  readonly type: MetricType;
  add(value: number): void;
  isEmpty(): boolean;
}

export class CounterSink implements Sink {
  readonly type = 'counter' as const;
  value = 0;
  private seen = false;
  add(v: number): void {
    this.value += v;
    this.seen = true;
  }
  isEmpty(): boolean {
    return !this.seen;
  }
}

export class GaugeSink implements Sink {
  readonly type = 'gauge' as const;
  value = 0;
  min = 0;
  max = 0;
  private minSet = false;
  add(v: number): void {
    this.value = v;
    if (v > this.max) this.max = v;
    if (v < this.min || !this.minSet) {
      this.min = v;
      this.minSet = true;
    }
  }
  isEmpty(): boolean {
    return !this.minSet;
  }
}

export class RateSink implements Sink {
  readonly type = 'rate' as const;
  trues = 0;
  total = 0;
  add(v: number): void {
    this.total++;
    if (v !== 0) this.trues++;
  }
  isEmpty(): boolean {
    return this.total === 0;
  }
  /** 0 when empty (k6 guards the division). */
  rate(): number {
    return this.total > 0 ? this.trues / this.total : 0;
  }
}

/**
 * Trend values live in one growable Float64Array (8 bytes per sample, no per-sample objects):
 * a soak test's millions of samples stay compact and GC-free.
 */
export class TrendSink implements Sink {
  readonly type = 'trend' as const;
  private values = new Float64Array(64);
  private n = 0;
  private sorted = true;
  /** The store was sorted in place: it no longer holds the values in arrival order. */
  private reordered = false;
  private sum = 0;
  private minV = 0;
  private maxV = 0;

  add(v: number): void {
    if (this.n === 0) {
      this.minV = v;
      this.maxV = v;
    } else {
      if (v > this.maxV) this.maxV = v;
      if (v < this.minV) this.minV = v;
    }
    if (this.n === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    if (this.sorted && this.n > 0 && v < this.values[this.n - 1]) this.sorted = false;
    this.values[this.n++] = v;
    this.sum += v;
  }
  /** Adds many values at once (a merged runner's), in their order. */
  addAll(vs: Float64Array): void {
    if (vs.length === 0) return;
    let need = this.values.length;
    while (need < this.n + vs.length) need *= 2;
    if (need !== this.values.length) {
      const next = new Float64Array(need);
      next.set(this.values.subarray(0, this.n));
      this.values = next;
    }
    let min = this.n === 0 ? vs[0] : this.minV;
    let max = this.n === 0 ? vs[0] : this.maxV;
    let sum = this.sum;
    let sorted = this.sorted && (this.n === 0 || vs[0] >= this.values[this.n - 1]);
    for (let i = 0; i < vs.length; i++) {
      const v = vs[i];
      if (v < min) min = v;
      if (v > max) max = v;
      if (sorted && i > 0 && v < vs[i - 1]) sorted = false;
      sum += v;
    }
    this.values.set(vs, this.n);
    this.n += vs.length;
    this.minV = min;
    this.maxV = max;
    this.sum = sum;
    this.sorted = sorted;
  }
  /** The values added after the first `from`, in arrival order (a view: copy it to keep it). */
  valuesSince(from: number): Float64Array {
    if (this.reordered) throw new Error('TrendSink.valuesSince after a percentile was read: the arrival order is gone');
    return this.values.subarray(from, this.n);
  }
  isEmpty(): boolean {
    return this.n === 0;
  }
  count(): number {
    return this.n;
  }
  min(): number {
    return this.n === 0 ? 0 : this.minV;
  }
  max(): number {
    return this.n === 0 ? 0 : this.maxV;
  }
  avg(): number {
    return this.n === 0 ? 0 : this.sum / this.n;
  }
  total(): number {
    return this.sum;
  }
  med(): number {
    return this.p(0.5);
  }
  /** Percentile for `pct` in 0..1, k6's interpolation. */
  p(pct: number): number {
    if (this.n === 0) return 0;
    if (this.n === 1) return this.values[0];
    if (!this.sorted) {
      this.values.subarray(0, this.n).sort(); // typed-array sort is numeric
      this.sorted = true;
      this.reordered = true;
    }
    const i = pct * (this.n - 1);
    const lo = Math.floor(i);
    const j = this.values[lo];
    const k = this.values[Math.ceil(i)];
    return j + (k - j) * (i - lo);
  }
  /** Bytes held by the value store (for memory accounting in benchmarks). */
  byteLength(): number {
    return this.values.byteLength;
  }
}

export type AnySink = CounterSink | GaugeSink | RateSink | TrendSink;

export function newSink(type: MetricType): AnySink {
  switch (type) {
    case 'counter': return new CounterSink();
    case 'gauge': return new GaugeSink();
    case 'rate': return new RateSink();
    case 'trend': return new TrendSink();
  }
}

const STATIC_TREND_STATS = new Set(['avg', 'min', 'med', 'max', 'count']);

/** Parses `p(N)` (0 ≤ N ≤ 100) → N, else undefined. */
export function parsePercentileStat(stat: string): number | undefined {
  const m = /^p\((.*)\)$/.exec(stat);
  if (!m || !/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(m[1])) return undefined;
  const v = Number(m[1]);
  return v >= 0 && v <= 100 ? v : undefined;
}

/** k6's `summaryTrendStats` validation: avg, min, med, max, count, p(N). Returns the invalid ones. */
export function invalidTrendStats(stats: readonly string[]): string[] {
  return stats.filter((s) => !STATIC_TREND_STATS.has(s) && parsePercentileStat(s) === undefined);
}

/** One `summaryTrendStats` column of a trend (k6 `GetResolversForTrendColumns`). */
export function trendStat(sink: TrendSink, stat: string): number {
  switch (stat) {
    case 'avg': return sink.avg();
    case 'min': return sink.min();
    case 'med': return sink.med();
    case 'max': return sink.max();
    case 'count': return sink.count();
  }
  const p = parsePercentileStat(stat);
  if (p === undefined) throw new Error(`invalid trend stat "${stat}"`);
  return sink.p(p / 100);
}
