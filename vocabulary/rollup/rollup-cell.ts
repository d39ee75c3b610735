import * as hdr from 'hdr-histogram-js';

/** Values (ms, bytes) are recorded in thousandths: 3 significant digits down to 1 µs. */
const SCALE = 1000;

/**
 * count, sum, min and max of a series' values, and for trends an HDR histogram
 * (3 significant digits) for percentiles. Histograms come from and return to a pool, so a
 * long run reuses a bounded number of them.
 */
export class RollupCell {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  /** Last value added (gauges: the value at the end of the second). */
  last = Number.NaN;

  constructor(readonly hist?: hdr.Histogram) {}

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.last = value;
    this.hist?.recordValue(Math.max(0, Math.round(value * SCALE)));
  }

  get mean(): number {
    return this.count ? this.sum / this.count : Number.NaN;
  }

  /** `p` in 0..100; NaN without a histogram or values. Within [min, max] (HDR answers a bucket's upper edge). */
  percentile(p: number): number {
    if (!this.hist || this.count === 0) return Number.NaN;
    return Math.min(this.max, Math.max(this.min, this.hist.getValueAtPercentile(p) / SCALE));
  }

  /** Adds another cell's values (a coarser bucket, a total over seconds). */
  merge(o: RollupCell): void {
    if (o.count === 0) return;
    this.count += o.count;
    this.sum += o.sum;
    if (o.min < this.min) this.min = o.min;
    if (o.max > this.max) this.max = o.max;
    this.last = o.last;
    if (this.hist && o.hist) this.hist.add(o.hist);
  }
}

/** Histograms to reuse: `build` allocates, `reset` is cheap. */
export class HistogramPool {
  #free: hdr.Histogram[] = [];
  take(): hdr.Histogram {
    return this.#free.pop() ?? hdr.build({ numberOfSignificantValueDigits: 3, autoResize: true });
  }
  give(h: hdr.Histogram | undefined): void {
    if (!h) return;
    h.reset();
    this.#free.push(h);
  }
}
