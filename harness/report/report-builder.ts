import {
  parseThresholdsConfig,
  RollupCell,
  HistogramPool,
  SampleMetrics,
  SecondRollup,
  ThresholdsEvaluator,
  type MetricInfo,
  type RolledSecond,
  type Sample,
  type StreamRecord,
  type ThresholdJson,
} from '../../vocabulary';
import type { CheckRow, EndpointRow, ReportData, ReportMeta, ThresholdRow, TimeWindow } from './report-data';
import { SeriesTable } from './series-table';

/**
 * Thresholds known before the stream is read: key → source → k6's verdict (summary.json) and
 * abortOnFail as the scenario declared it (thresholds.json).
 */
export type KnownThresholds = Map<string, Map<string, { failed?: boolean; abortOnFail?: boolean }>>;

export interface ReportBuilderOptions {
  /** Thresholds from summary.json and thresholds.json (submetric thresholds are not in the stream's Metric lines). */
  thresholds?: KnownThresholds;
  /** Test run duration for counter `rate` thresholds (default: the stream's span). */
  elapsedMs?: () => number | undefined;
  /** A second is charted once a sample this far past its end arrives (default 2000 ms; live: 1000). */
  graceMs?: number;
}

interface Bound {
  key: string;
  metric: string;
  evaluator?: ThresholdsEvaluator;
  thresholds: Array<{ source: string; abortOnFail: boolean | null; failed?: boolean }>;
}

/** Metrics charted per second; everything else goes only to thresholds, checks and endpoints. */
const CHARTED = new Set(['http_reqs', 'http_req_failed', 'http_req_duration', 'vus', 'iterations']);

/**
 * Builds a report's data from k6 stream records in one pass, in bounded memory (per-second
 * rollups through vocabulary/rollup, thresholds through vocabulary/thresholds' `SampleMetrics`),
 * and can be asked for a snapshot at any time (the live dashboard) or at the end.
 *
 *   StreamRecord ─▶ Metric: types, thresholds bound (abortOnFail from the line, else thresholds.json)
 *                ─▶ Point:  SecondRollup (charts) · SampleMetrics (thresholds) · endpoints · checks
 *   snapshot(meta, windows) ─▶ ReportData
 */
export class ReportBuilder {
  readonly #rollup: SecondRollup;
  readonly #table = new SeriesTable();
  readonly #metrics = new SampleMetrics();
  readonly #bound = new Map<string, Bound>();
  readonly #pending: KnownThresholds;
  readonly #endpoints = new Map<string, { duration: RollupCell; count: number; failed: number }>();
  readonly #checks = new Map<string, CheckRow>();
  readonly #pool = new HistogramPool();
  readonly #total = new RollupCell(new HistogramPool().take());
  readonly #emit = (r: RolledSecond) => this.#chart(r);
  #samples = 0;
  #requests = 0;
  #failed = 0;
  #iterations = 0;
  #vusMax = 0;
  #first: number | null = null;
  #last: number | null = null;

  constructor(private readonly o: ReportBuilderOptions = {}) {
    this.#rollup = new SecondRollup({ series: statusOnly, graceMs: o.graceMs ?? 2000 });
    this.#pending = new Map([...(o.thresholds ?? new Map())].map(([k, v]) => [k, new Map(v)]));
  }

  add(r: StreamRecord): void {
    if (r.type === 'Metric') this.#metric(r.metric);
    else this.#point(r.sample);
  }

  /** The stream is complete: every open second is charted. */
  end(): void {
    this.#rollup.flush(this.#emit);
  }

  #metric(m: MetricInfo): void {
    if (this.#metrics.has(m.name)) return;
    this.#metrics.define(m.name, m.type);
    this.#rollup.metricType(m.name, m.type);
    // keys of this metric: its own line's thresholds, and those summary.json named (submetrics too)
    const mine = new Map<string, Bound['thresholds']>();
    const put = (key: string, source: string, abortOnFail: boolean | null, failed?: boolean) => {
      const list = mine.get(key) ?? [];
      const t = list.find((x) => x.source === source);
      if (t) {
        t.abortOnFail ??= abortOnFail;
        t.failed ??= failed;
      } else list.push({ source, abortOnFail, failed });
      mine.set(key, list);
    };
    for (const t of m.thresholds ?? []) {
      const j = thresholdOf(t);
      put(m.name, j.source, j.abortOnFail);
    }
    for (const [key, sources] of this.#pending) {
      if (metricOf(key) !== m.name) continue;
      // the Metric line lists only the metric's own thresholds: a submetric's flag is thresholds.json's
      // (never the line's: a submetric often repeats its metric's expression with another abortOnFail)
      for (const [source, v] of sources) put(key, source, (key === m.name ? abortOf(m.thresholds, source) : null) ?? v.abortOnFail ?? null, v.failed);
      this.#pending.delete(key);
    }
    for (const [key, thresholds] of mine) this.#bind(key, m.name, thresholds);
  }

  #bind(key: string, metric: string, thresholds: Bound['thresholds']): void {
    const { config, problems } = parseThresholdsConfig({ [key]: thresholds.map((t) => t.source) });
    let evaluator: ThresholdsEvaluator | undefined;
    if (!problems.length) {
      try {
        evaluator = new ThresholdsEvaluator(config, this.#metrics);
      } catch {
        evaluator = undefined; // an invalid key: shown with k6's verdict only
      }
    }
    this.#bound.set(key, { key, metric, evaluator, thresholds });
  }

  #point(s: Sample): void {
    this.#samples++;
    if (this.#first === null || s.time < this.#first) this.#first = s.time;
    if (this.#last === null || s.time > this.#last) this.#last = s.time;
    this.#metrics.add(s);
    switch (s.metric) {
      case 'http_reqs':
        this.#requests += s.value;
        break;
      case 'http_req_failed':
        if (s.value) this.#failed++;
        this.#endpoint(s.tags.name).failed += s.value ? 1 : 0;
        break;
      case 'http_req_duration': {
        const e = this.#endpoint(s.tags.name);
        e.count++;
        e.duration.add(s.value);
        this.#total.add(s.value);
        break;
      }
      case 'iterations':
        this.#iterations += s.value;
        break;
      case 'vus':
        if (s.value > this.#vusMax) this.#vusMax = s.value;
        break;
      case 'checks': {
        const group = s.tags.group ?? '';
        const name = s.tags.check ?? '';
        const k = `${group}\u0000${name}`;
        let c = this.#checks.get(k);
        if (!c) this.#checks.set(k, (c = { group, name, passes: 0, fails: 0 }));
        if (s.value) c.passes++;
        else c.fails++;
        break;
      }
    }
    if (CHARTED.has(s.metric)) this.#rollup.add(s, this.#emit);
  }

  #endpoint(name = '(no name)') {
    let e = this.#endpoints.get(name);
    if (!e) this.#endpoints.set(name, (e = { duration: new RollupCell(this.#pool.take()), count: 0, failed: 0 }));
    return e;
  }

  #chart(r: RolledSecond): void {
    const c = r.cell;
    switch (r.metric) {
      case 'http_reqs':
        this.#table.add(r.second, { reqs: c.sum, status: r.tags.status });
        break;
      case 'http_req_failed':
        this.#table.add(r.second, { failed: c.sum, status: r.tags.status });
        break;
      case 'http_req_duration':
        this.#table.add(r.second, { p50: c.percentile(50), p90: c.percentile(90), p95: c.percentile(95), p99: c.percentile(99) });
        break;
      case 'vus':
        this.#table.add(r.second, { vus: c.max });
        break;
      case 'iterations':
        this.#table.add(r.second, { iterations: c.sum });
        break;
    }
  }

  thresholdRows(): ThresholdRow[] {
    const elapsed = this.o.elapsedMs?.() ?? (this.#first !== null && this.#last !== null ? this.#last - this.#first : 0);
    const rows: ThresholdRow[] = [];
    for (const b of this.#bound.values()) {
      const run = b.evaluator?.evaluate(elapsed, { final: true });
      const outcomes = b.evaluator?.outcomes() ?? [];
      const samples = this.#metrics.samples(b.key);
      for (const t of b.thresholds) {
        const o = outcomes.find((x) => x.source === t.source);
        const error = run?.errors[0]?.message;
        if (o && samples > 0 && error === undefined) rows.push({ key: b.key, source: t.source, abortOnFail: t.abortOnFail, value: o.value ?? null, ok: o.ok });
        else rows.push({ key: b.key, source: t.source, abortOnFail: t.abortOnFail, value: null, ok: t.failed === undefined ? true : !t.failed, note: error ?? (samples === 0 ? 'no samples' : 'not evaluated') });
      }
    }
    // named by summary.json but never seen in the stream
    for (const [key, sources] of this.#pending) {
      for (const [source, v] of sources) rows.push({ key, source, abortOnFail: v.abortOnFail ?? null, value: null, ok: v.failed === undefined ? true : !v.failed, note: 'no samples' });
    }
    return rows;
  }

  snapshot(meta: ReportMeta, windows: TimeWindow[], o: { live?: boolean } = {}): ReportData {
    const endpoints: EndpointRow[] = [...this.#endpoints]
      .filter(([, e]) => e.count > 0)
      .map(([name, e]) => ({
        name,
        count: e.count,
        failed: e.failed,
        errorRate: e.count ? e.failed / e.count : 0,
        p50: r3(e.duration.percentile(50)),
        p90: r3(e.duration.percentile(90)),
        p95: r3(e.duration.percentile(95)),
        p99: r3(e.duration.percentile(99)),
        max: r3(e.duration.max),
      }))
      .sort((a, b) => b.count - a.count);
    const t = this.#total;
    return {
      version: 1,
      live: o.live ?? false,
      generatedAt: new Date().toISOString(),
      meta,
      step: this.#table.step,
      series: this.#table.series(),
      thresholds: this.thresholdRows(),
      checks: [...this.#checks.values()],
      endpoints,
      windows,
      totals: {
        samples: this.#samples,
        requests: this.#requests,
        failedRequests: this.#failed,
        iterations: this.#iterations,
        vusMax: this.#vusMax,
        duration: t.count ? { p50: r3(t.percentile(50)), p90: r3(t.percentile(90)), p95: r3(t.percentile(95)), p99: r3(t.percentile(99)), max: r3(t.max) } : null,
        firstMs: this.#first,
        lastMs: this.#last,
      },
    };
  }
}

/** Charted series keep only `status` (http_reqs, http_req_failed): one series per metric otherwise. */
function statusOnly(s: Sample): Record<string, string> {
  return (s.metric === 'http_reqs' || s.metric === 'http_req_failed') && s.tags.status !== undefined ? { status: s.tags.status } : {};
}

function thresholdOf(t: ThresholdJson): { source: string; abortOnFail: boolean } {
  return typeof t === 'string' ? { source: t, abortOnFail: false } : { source: t.threshold, abortOnFail: t.abortOnFail };
}

/** From the metric's own Metric line (null when the line does not list the threshold). */
function abortOf(list: ThresholdJson[] | undefined, source: string): boolean | null {
  for (const t of list ?? []) if (t === source || (typeof t !== 'string' && t.threshold === source)) return typeof t === 'string' ? false : t.abortOnFail;
  return null;
}

function metricOf(key: string): string {
  const i = key.indexOf('{');
  return i < 0 ? key : key.slice(0, i);
}

function r3(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : 0;
}
