import * as hdr from 'hdr-histogram-js';
import { encodeFields, escapeMeasurement, secondsToNs, type FieldValue } from './line-protocol';
import { SeriesTags, type RunTags } from './point-tags';
import type { StreamSample } from './sample-source';

/** Turns samples into line-protocol points (`raw`: one each; `rollup`: one per series and second). */
export interface PointShape {
  add(s: StreamSample, emit: (line: string) => void): void;
  /** The stream ended: everything still held. */
  flush(emit: (line: string) => void): void;
}

interface Bucket {
  metric: string;
  /** Encoded (`,k=v...`). */
  tags: string;
  second: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  hist?: hdr.Histogram;
}

/** Trend values (ms, bytes) are recorded in thousandths: 3 significant digits down to 1 µs. */
const SCALE = 1000;

/**
 * The `rollup` shape (default): one point per metric, tag set and second, measurement = metric
 * name, fields `count`, `sum`, `min`, `max`, `mean` and, for trends, `p50`/`p90`/`p95`/`p99`
 * from an HDR histogram (3 significant digits). Seconds are closed by the stream's own clock:
 * once a sample `graceMs` past a second's end arrives, that second is written. A sample later
 * than that (rare: k6 stamps and writes nearly in order) goes into the oldest open second and is
 * counted in `late`, so no (series, second) point is ever written twice. Histograms are reused.
 *
 *   sample ─▶ bucket[metric|tags|second] ─(stream time > second + 1 s + grace)─▶ point line
 */
export class RollupShape implements PointShape {
  #buckets = new Map<string, Bucket>();
  #pool: hdr.Histogram[] = [];
  #watermark = -Infinity;
  /** Every second below this has been written. */
  #closedBelow = -Infinity;
  #trends = new Set<string>();
  late = 0;
  readonly #tags: SeriesTags;

  constructor(
    run: RunTags,
    private readonly graceMs = 2000,
  ) {
    this.#tags = new SeriesTags(run);
  }

  /** A Metric line's type: trends get percentiles. */
  metricType(name: string, type: string): void {
    if (type === 'trend') this.#trends.add(name);
  }

  add(s: StreamSample, emit: (line: string) => void): void {
    if (typeof s.value !== 'number' || !Number.isFinite(s.value)) return;
    let second = Math.floor(s.time / 1000);
    if (second < this.#closedBelow) {
      this.late++;
      second = this.#closedBelow;
    }
    const tags = this.#tags.encoded(s);
    const key = `${s.metric}\u0000${second}\u0000${tags}`;
    let b = this.#buckets.get(key);
    if (!b) {
      b = { metric: s.metric, tags, second, count: 0, sum: 0, min: Infinity, max: -Infinity };
      if (this.#trends.has(s.metric) || TREND_NAMES.test(s.metric)) b.hist = this.#histogram();
      this.#buckets.set(key, b);
    }
    b.count++;
    b.sum += s.value;
    if (s.value < b.min) b.min = s.value;
    if (s.value > b.max) b.max = s.value;
    b.hist?.recordValue(Math.max(0, Math.round(s.value * SCALE)));
    if (s.time > this.#watermark) {
      this.#watermark = s.time;
      const closeBelow = Math.floor((this.#watermark - this.graceMs) / 1000);
      if (closeBelow > this.#closedBelow) this.#close(closeBelow, emit);
    }
  }

  flush(emit: (line: string) => void): void {
    this.#close(Infinity, emit);
  }

  #close(below: number, emit: (line: string) => void): void {
    this.#closedBelow = below;
    for (const [key, b] of this.#buckets) {
      if (b.second >= below) continue;
      this.#buckets.delete(key);
      const fields: Record<string, FieldValue> = { count: { int: b.count }, sum: b.sum, min: b.min, max: b.max, mean: b.sum / b.count };
      if (b.hist) {
        for (const [name, p] of PERCENTILES) fields[name] = b.hist.getValueAtPercentile(p) / SCALE;
        b.hist.reset();
        this.#pool.push(b.hist);
      }
      const f = encodeFields(fields);
      if (f) emit(`${escapeMeasurement(b.metric)}${b.tags} ${f} ${secondsToNs(b.second)}`);
    }
  }

  #histogram(): hdr.Histogram {
    return this.#pool.pop() ?? hdr.build({ numberOfSignificantValueDigits: 3, autoResize: true });
  }
}

const PERCENTILES: ReadonlyArray<[string, number]> = [
  ['p50', 50],
  ['p90', 90],
  ['p95', 95],
  ['p99', 99],
];

/** k6's built-in trends, for a stream whose Metric lines were not seen (they normally come first). */
const TREND_NAMES = /^(http_req_(duration|blocked|connecting|tls_handshaking|sending|waiting|receiving)|iteration_duration|group_duration|ws_.*duration|grpc_req_duration)$/;
