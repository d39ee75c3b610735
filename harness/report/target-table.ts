import type { TargetRecord } from '../../vocabulary';
import type { TargetSeries } from './report-data';
import { MAX_POINTS } from './series-table';

type Gauge = 'queued' | 'processing' | 'breaker' | 'redisUp' | 'redisMemory' | 'redisOps';
const GAUGES: readonly Gauge[] = ['queued', 'processing', 'breaker', 'redisUp', 'redisMemory', 'redisOps'];
/** Gauges whose merged value is the lowest (Redis up: a point with an outage shows it), the others the highest. */
const LOWEST = new Set<Gauge>(['redisUp']);

/** Gateway counters charted as per-second rates: key in the table → family. */
const COUNTERS: Record<string, 'received' | 'accepted' | 'processed'> = {
  telemetryhub_samples_received_total: 'received',
  telemetryhub_samples_accepted_total: 'accepted',
  telemetryhub_samples_processed_total: 'processed',
};
const REJECTED = 'telemetryhub_samples_rejected_total';

interface Slot {
  gauges: Partial<Record<Gauge, number>>;
  /** Counter key → increase and the ms it took (a rate is their ratio, so merged points stay exact). */
  counters: Map<string, { d: number; dt: number }>;
}

/**
 * The target charts' points from `target.ndjson` records, bounded as the load charts are
 * (`MAX_POINTS`, then neighbours merge and the step doubles). Counters become per-second rates
 * from one record to the next (a decrease is a restarted gateway: it counts from zero; a series
 * that first appears counts from zero since the previous scrape, as prom-client shows a labelled
 * counter only once it moved); gauges keep the highest value of a point (Redis up: the lowest).
 */
export class TargetTable {
  #t0: number | undefined;
  #step = 1;
  #slots: Slot[] = [];
  readonly #prev = new Map<string, { t: number; v: number }>();
  readonly #reasons = new Set<string>();
  #lastGatewayAt: number | undefined;
  #scrapes = 0;

  constructor(private readonly maxPoints = MAX_POINTS) {}

  get scrapes(): number {
    return this.#scrapes;
  }

  add(r: TargetRecord): void {
    const second = Math.floor(r.t / 1000);
    if (this.#t0 === undefined) this.#t0 = second;
    if (second < this.#t0) return;
    let i = Math.floor((second - this.#t0) / this.#step);
    while (i >= this.maxPoints) {
      this.#halve();
      i = Math.floor((second - this.#t0) / this.#step);
    }
    while (this.#slots.length <= i) this.#slots.push({ gauges: {}, counters: new Map() });
    const slot = this.#slots[i];
    this.#scrapes++;
    const gateway = new Map<string, number>();
    for (const p of r.g ?? []) {
      if (!p.l || !Object.keys(p.l).length) gateway.set(p.n, p.v);
      const key = COUNTERS[p.n] ? p.n : p.n === REJECTED && p.l?.reason !== undefined ? `rejected:${p.l.reason}` : undefined;
      if (key) this.#counter(slot, key, r.t, p.v);
      if (key?.startsWith('rejected:')) this.#reasons.add(key.slice('rejected:'.length));
    }
    if (r.g) this.#lastGatewayAt = r.t;
    const gauge = (g: Gauge, v: number | undefined) => {
      if (v === undefined || !Number.isFinite(v)) return;
      const have = slot.gauges[g];
      slot.gauges[g] = have === undefined ? v : LOWEST.has(g) ? Math.min(have, v) : Math.max(have, v);
    };
    gauge('queued', r.r?.queue_length ?? gateway.get('telemetryhub_queue_size'));
    gauge('processing', gateway.get('telemetryhub_queue_processing'));
    gauge('breaker', gateway.get('telemetryhub_circuit_breaker_state'));
    gauge('redisUp', gateway.get('telemetryhub_redis_up'));
    gauge('redisMemory', r.r?.used_memory);
    gauge('redisOps', r.r?.instantaneous_ops_per_sec);
  }

  #counter(slot: Slot, key: string, t: number, v: number): void {
    const prev = this.#prev.get(key) ?? (this.#lastGatewayAt === undefined ? undefined : { t: this.#lastGatewayAt, v: 0 });
    this.#prev.set(key, { t, v });
    if (!prev || t <= prev.t) return;
    const c = slot.counters.get(key) ?? { d: 0, dt: 0 };
    c.d += v >= prev.v ? v - prev.v : v;
    c.dt += t - prev.t;
    slot.counters.set(key, c);
  }

  /** The arrays the page draws; undefined before the first record. */
  series(): TargetSeries | undefined {
    if (this.#t0 === undefined) return undefined;
    const slots = this.#slots;
    const gauge = (g: Gauge) => slots.map((s) => s.gauges[g] ?? null);
    const rate = (key: string) =>
      slots.map((s) => {
        const c = s.counters.get(key);
        return c && c.dt > 0 ? Math.round((c.d / c.dt) * 1e6) / 1e3 : null;
      });
    const rejectedByReason: Record<string, Array<number | null>> = {};
    for (const reason of [...this.#reasons].sort()) rejectedByReason[reason] = rate(`rejected:${reason}`);
    const out = { t: slots.map((_, i) => this.#t0! + i * this.#step), step: this.#step, scrapes: this.#scrapes, rejectedByReason } as TargetSeries;
    for (const g of GAUGES) out[g] = gauge(g);
    for (const [key, name] of Object.entries(COUNTERS)) out[name] = rate(key);
    return out;
  }

  #halve(): void {
    const merged: Slot[] = [];
    for (let i = 0; i < this.#slots.length; i += 2) {
      const a = this.#slots[i];
      const b = this.#slots[i + 1];
      if (b) {
        for (const g of GAUGES) {
          const x = a.gauges[g];
          const y = b.gauges[g];
          if (y !== undefined) a.gauges[g] = x === undefined ? y : LOWEST.has(g) ? Math.min(x, y) : Math.max(x, y);
        }
        for (const [k, c] of b.counters) {
          const have = a.counters.get(k) ?? { d: 0, dt: 0 };
          a.counters.set(k, { d: have.d + c.d, dt: have.dt + c.dt });
        }
      }
      merged.push(a);
    }
    this.#slots = merged;
    this.#step *= 2;
  }
}
