import type { ReportSeries } from './report-data';

/** Above this many points a chart's points merge pairwise (step 1 s → 2 s → 4 s ...): report.html stays small. */
export const MAX_POINTS = 3600;

interface Slot {
  reqs: number;
  reqsByStatus: Map<string, number>;
  errorsByStatus: Map<string, number>;
  vus: number | null;
  iterations: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

export type SlotValues = Partial<Omit<Slot, 'reqsByStatus' | 'errorsByStatus'>> & { status?: string; failed?: number };

/**
 * The chart points of a report: one slot per `step` seconds from the first second seen. When the
 * run outgrows `MAX_POINTS` slots, neighbours merge and `step` doubles: counts add, the VU gauge
 * keeps its maximum, and a merged point's percentiles are the larger of its halves' (an upper
 * bound: the exact value needs histograms a long run cannot keep per second).
 */
export class SeriesTable {
  #t0: number | undefined;
  #step = 1;
  #slots: Slot[] = [];

  constructor(private readonly maxPoints = MAX_POINTS) {}

  get step(): number {
    return this.#step;
  }

  /** Adds one closed second's values of one series. */
  add(second: number, v: SlotValues): void {
    if (this.#t0 === undefined) this.#t0 = second;
    if (second < this.#t0) return; // before the first point: a late sample of a closed past
    let i = Math.floor((second - this.#t0) / this.#step);
    while (i >= this.maxPoints) {
      this.#halve();
      i = Math.floor((second - this.#t0) / this.#step);
    }
    while (this.#slots.length <= i) this.#slots.push(emptySlot());
    const s = this.#slots[i];
    if (v.reqs !== undefined) {
      s.reqs += v.reqs;
      if (v.status !== undefined) s.reqsByStatus.set(v.status, (s.reqsByStatus.get(v.status) ?? 0) + v.reqs);
    }
    if (v.failed !== undefined && v.status !== undefined && v.failed > 0) s.errorsByStatus.set(v.status, (s.errorsByStatus.get(v.status) ?? 0) + v.failed);
    if (v.vus !== undefined && v.vus !== null) s.vus = Math.max(s.vus ?? -Infinity, v.vus);
    if (v.iterations !== undefined) s.iterations += v.iterations;
    for (const p of ['p50', 'p90', 'p95', 'p99'] as const) {
      const x = v[p];
      if (x !== undefined && x !== null) s[p] = s[p] === null ? x : Math.max(s[p], x);
    }
  }

  /** The arrays the page draws (a copy: the table keeps growing). */
  series(): ReportSeries {
    const n = this.#slots.length;
    const statuses = new Set<string>();
    const errStatuses = new Set<string>();
    for (const s of this.#slots) {
      for (const k of s.reqsByStatus.keys()) statuses.add(k);
      for (const k of s.errorsByStatus.keys()) errStatuses.add(k);
    }
    const by = (keys: Set<string>, pick: (s: Slot) => Map<string, number>) => {
      const out: Record<string, number[]> = {};
      for (const k of [...keys].sort()) out[k] = this.#slots.map((s) => pick(s).get(k) ?? 0);
      return out;
    };
    return {
      t: Array.from({ length: n }, (_, i) => (this.#t0 ?? 0) + i * this.#step),
      reqs: this.#slots.map((s) => s.reqs),
      reqsByStatus: by(statuses, (s) => s.reqsByStatus),
      errorsByStatus: by(errStatuses, (s) => s.errorsByStatus),
      vus: this.#slots.map((s) => s.vus),
      iterations: this.#slots.map((s) => s.iterations),
      p50: this.#slots.map((s) => round(s.p50)),
      p90: this.#slots.map((s) => round(s.p90)),
      p95: this.#slots.map((s) => round(s.p95)),
      p99: this.#slots.map((s) => round(s.p99)),
    };
  }

  #halve(): void {
    const merged: Slot[] = [];
    for (let i = 0; i < this.#slots.length; i += 2) {
      const a = this.#slots[i];
      const b = this.#slots[i + 1];
      if (b) {
        a.reqs += b.reqs;
        a.iterations += b.iterations;
        for (const [k, v] of b.reqsByStatus) a.reqsByStatus.set(k, (a.reqsByStatus.get(k) ?? 0) + v);
        for (const [k, v] of b.errorsByStatus) a.errorsByStatus.set(k, (a.errorsByStatus.get(k) ?? 0) + v);
        a.vus = a.vus === null ? b.vus : b.vus === null ? a.vus : Math.max(a.vus, b.vus);
        for (const p of ['p50', 'p90', 'p95', 'p99'] as const) a[p] = a[p] === null ? b[p] : b[p] === null ? a[p] : Math.max(a[p], b[p]);
      }
      merged.push(a);
    }
    this.#slots = merged;
    this.#step *= 2;
  }
}

function emptySlot(): Slot {
  return { reqs: 0, reqsByStatus: new Map(), errorsByStatus: new Map(), vus: null, iterations: 0, p50: null, p90: null, p95: null, p99: null };
}

/** Three decimals: enough for ms, and a smaller file. */
function round(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1000) / 1000;
}
