import type { MetricType, Sample, Tags } from '../samples';
import { HistogramPool, RollupCell } from './rollup-cell';

/** One closed (metric, tag set, second): lent to the callback, recycled after it returns. */
export interface RolledSecond<S = Tags> {
  metric: string;
  /** The series' tags as `series` returned them (a Tags object, or e.g. pre-encoded line-protocol tags). */
  tags: S;
  /** Unix seconds. */
  second: number;
  cell: RollupCell;
}

export interface SecondRollupOptions<S = Tags> {
  /** The tags a sample's series is keyed by (default: all its tags; `() => ({})` = one series per metric). */
  series?: (s: Sample) => S;
  /** The series' identity (default: `seriesKey` of a Tags object; an encoded string can be its own key). */
  key?: (series: S) => string;
  /** A second is closed once a sample this far past its end arrives (default 2000 ms). */
  graceMs?: number;
  /**
   * Trends' histograms in WebAssembly (`HistogramPool` `wasm`): cheaper per sample. The cells
   * handed to `emit` are recycled after it returns, so they are never kept or merged elsewhere.
   */
  wasmHistograms?: boolean;
}

/**
 * Per-second rollups of a k6 sample stream: one `RollupCell` per metric, tag set and second
 * (count, sum, min, max; trends also an HDR histogram for percentiles). Seconds are closed by
 * the stream's own clock: once a sample `graceMs` past a second's end arrives, that second is
 * handed to `emit` and its memory reused. A sample later than that (rare: engines stamp and
 * write nearly in order) goes into the oldest open second and is counted in `late`, so no
 * (series, second) is emitted twice. The InfluxDB `rollup` shape, reports and gates share it.
 *
 *   sample ─▶ cell[metric|tags|second] ─(stream time > second + 1 s + grace)─▶ emit(rolled)
 */
export class SecondRollup<S = Tags> {
  /** Open cells by metric and series key (a series has one per open second: a few). */
  readonly #bySeries = new Map<string, Map<string, Array<Open<S>>>>();
  /** Open cells by second, in the order they were opened (the emit order within a second). */
  readonly #bySecond = new Map<number, Array<Open<S>>>();
  readonly #pool: HistogramPool;
  readonly #trends = new Set<string>();
  readonly #series: (s: Sample) => S;
  readonly #key: (series: S) => string;
  readonly #graceMs: number;
  #watermark = -Infinity;
  /** Every second below this has been emitted. */
  #closedBelow = -Infinity;
  late = 0;

  constructor(o: SecondRollupOptions<S> = {}) {
    this.#series = o.series ?? ((s) => s.tags as S);
    this.#key = o.key ?? ((t) => seriesKey(t as Tags));
    this.#graceMs = o.graceMs ?? 2000;
    this.#pool = new HistogramPool({ wasm: o.wasmHistograms });
  }

  /** A Metric line's type: trends get percentiles. */
  metricType(name: string, type: MetricType | string): void {
    if (type === 'trend') this.#trends.add(name);
  }

  isTrend(metric: string): boolean {
    return this.#trends.has(metric) || TREND_NAMES.test(metric);
  }

  add(s: Sample, emit: (r: RolledSecond<S>) => void): void {
    if (typeof s.value !== 'number' || !Number.isFinite(s.value)) return;
    let second = Math.floor(s.time / 1000);
    if (second < this.#closedBelow) {
      this.late++;
      second = this.#closedBelow;
    }
    const tags = this.#series(s);
    // nested maps, no per-sample key string: the keys (metric names, a series' encoded tags)
    // are usually the same string objects every time, whose hashes V8 keeps
    const key = this.#key(tags);
    let byKey = this.#bySeries.get(s.metric);
    if (byKey === undefined) this.#bySeries.set(s.metric, (byKey = new Map()));
    let open = byKey.get(key);
    if (open === undefined) byKey.set(key, (open = []));
    let cell: RollupCell | undefined;
    for (let i = 0; i < open.length; i++) {
      if (open[i].rolled.second === second) {
        cell = open[i].rolled.cell;
        break;
      }
    }
    if (cell === undefined) {
      cell = new RollupCell(this.isTrend(s.metric) ? this.#pool.take() : undefined);
      const o: Open<S> = { rolled: { metric: s.metric, tags, second, cell }, key, siblings: open };
      open.push(o);
      let inSecond = this.#bySecond.get(second);
      if (inSecond === undefined) this.#bySecond.set(second, (inSecond = []));
      inSecond.push(o);
    }
    cell.add(s.value);
    if (s.time > this.#watermark) {
      this.#watermark = s.time;
      const closeBelow = Math.floor((this.#watermark - this.#graceMs) / 1000);
      if (closeBelow > this.#closedBelow) this.#close(closeBelow, emit);
    }
  }

  /** Emits every second still open (the stream ended), and frees the histograms kept for reuse. */
  flush(emit: (r: RolledSecond<S>) => void): void {
    this.#close(Infinity, emit);
    this.#pool.dispose();
  }

  #close(below: number, emit: (r: RolledSecond<S>) => void): void {
    this.#closedBelow = below;
    const seconds: number[] = [];
    for (const second of this.#bySecond.keys()) if (second < below) seconds.push(second);
    seconds.sort((a, b) => a - b);
    const done: Array<Open<S>> = [];
    for (const second of seconds) {
      for (const o of this.#bySecond.get(second)!) {
        o.siblings.splice(o.siblings.indexOf(o), 1);
        if (o.siblings.length === 0) {
          const byKey = this.#bySeries.get(o.rolled.metric)!;
          byKey.delete(o.key);
          if (byKey.size === 0) this.#bySeries.delete(o.rolled.metric);
        }
        done.push(o);
      }
      this.#bySecond.delete(second);
    }
    for (const o of done) {
      emit(o.rolled);
      this.#pool.give(o.rolled.cell.hist);
    }
  }
}

/** An open cell, with what closing it needs. */
interface Open<S> {
  rolled: RolledSecond<S>;
  key: string;
  /** The series' open cells (this one among them). */
  siblings: Array<Open<S>>;
}

/** k6's built-in trends, for a stream whose Metric lines were not seen (they normally come first). */
const TREND_NAMES = /^(http_req_(duration|blocked|connecting|tls_handshaking|sending|waiting|receiving)|iteration_duration|group_duration|ws_.*duration|grpc_req_duration)$/;

/** A tag set's key, independent of the tags' order. */
export function seriesKey(tags: Tags): string {
  // decoded tag sets are shared and frozen (vocabulary/samples): their key is computed once
  const frozen = Object.isFrozen(tags);
  if (frozen) {
    const known = frozenKeys.get(tags);
    if (known !== undefined) return known;
  }
  let k = '';
  for (const name of Object.keys(tags).sort()) k += `${name}=${tags[name]}\u0001`;
  if (frozen) frozenKeys.set(tags, k);
  return k;
}

const frozenKeys = new WeakMap<Tags, string>();
