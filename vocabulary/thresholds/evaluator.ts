import type { ThresholdJson } from '../samples';
import type { AnySink, TrendSink } from './sinks';
import { compare, sinkKey } from './parser';
import { thresholdJson, type ThresholdDef, type ThresholdsConfig } from './config';

/** A metric or submetric thresholds are bound to: its sink, and where its JSON thresholds are shown. */
export interface ThresholdMetric {
  /** For submetrics `parent{suffix}`. */
  readonly name: string;
  readonly sink: AnySink;
  readonly parent?: ThresholdMetric;
  thresholds: ThresholdJson[];
}

/**
 * What aggregates the samples thresholds read: the engine's `MetricsEngine`, or `SampleMetrics`
 * over a k6 JSON stream (chaos, reports, gates).
 */
export interface ThresholdMetricSource {
  /** The metric or submetric a threshold key names, created on first use; throws on invalid keys. */
  ensureSubmetric(key: string): ThresholdMetric;
  /** Shown in the summary even without samples (k6 does this for metrics with thresholds). */
  markObserved(metric: ThresholdMetric): void;
}

/** k6 evaluates thresholds this often during the run (for abortOnFail). */
export const THRESHOLDS_INTERVAL_MS = 2000;

export interface ThresholdState {
  readonly def: ThresholdDef;
  /** k6's `LastFailed`; a threshold never evaluated (or whose evaluation errored) counts as ok. */
  lastFailed: boolean;
  /** The aggregated value it was last compared with (undefined: never evaluated). */
  lastValue?: number;
}

interface Bound {
  key: string;
  state: ThresholdMetric;
  thresholds: ThresholdState[];
  /** Sticky once set, as k6's `Thresholds.Abort`. */
  abort: boolean;
}

export interface ThresholdRunResult {
  /** Names of metrics/submetrics with at least one failed threshold, sorted (k6's list). */
  breached: string[];
  /** A failed threshold has abortOnFail and its delayAbortEval has elapsed. */
  shouldAbort: boolean;
  /** k6 logs these as `level=error msg="Threshold error"` and treats the metric's thresholds as not failed. */
  errors: Array<{ metric: string; message: string }>;
  /**
   * Metrics/submetrics with thresholds that received no sample. During the run they are skipped;
   * at the end k6 evaluates them on zero values (trend stats 0, counter 0, gauge 0) — a `rate`
   * with no samples cannot be evaluated and lands in `errors`, its thresholds shown as passed.
   */
  noSamples: string[];
}

/**
 * Binds parsed thresholds to the engine's metrics and evaluates them like k6's metrics engine:
 * every 2 s during the run (`start`), skipping metrics without samples, and once at the end
 * (`evaluate(elapsed, { final: true })`) over every metric.
 *
 * Binding creates the submetrics the keys select and marks the metrics (and submetric parents)
 * observed, so they show in the summary even without samples — exactly as k6 does.
 */
export class ThresholdsEvaluator {
  private readonly bound: Bound[] = [];

  constructor(config: ThresholdsConfig, private readonly engine: ThresholdMetricSource) {
    this.add(config);
  }

  /**
   * Binds more thresholds (a merge binds each metric's as its Metric line arrives, before its
   * first sample: submetric sinks only see samples pushed after they exist).
   */
  add(config: ThresholdsConfig): this {
    const engine = this.engine;
    for (const { key, thresholds } of config.entries) {
      const state = engine.ensureSubmetric(key); // throws on invalid keys: run validateThresholds first
      let b = this.bound.find((x) => x.state === state);
      if (!b) {
        b = { key, state, thresholds: [], abort: false };
        this.bound.push(b);
      }
      b.thresholds.push(...thresholds.map((def) => ({ def, lastFailed: false })));
      state.thresholds = b.thresholds.map((t) => thresholdJson(t.def));
      engine.markObserved(state);
      if (state.parent) engine.markObserved(state.parent);
    }
    return this;
  }

  get isEmpty(): boolean {
    return this.bound.length === 0;
  }

  /** Evaluates all thresholds. `elapsedMs` is the test run duration so far (counter rates, delayAbortEval). */
  evaluate(elapsedMs: number, opts: { final: boolean }): ThresholdRunResult {
    const result: ThresholdRunResult = { breached: [], shouldAbort: false, errors: [], noSamples: [] };
    for (const b of this.bound) {
      const empty = b.state.sink.isEmpty();
      if (b.thresholds.length === 0) continue;
      if (empty) {
        if (!opts.final) continue;
        result.noSamples.push(b.state.name);
      }
      const values = sinkValues(b, elapsedMs);
      let succeeded = true;
      let error: string | undefined;
      for (let i = 0; i < b.thresholds.length; i++) {
        const t = b.thresholds[i];
        const lhs = values.get(sinkKey(t.def.expr));
        if (lhs === undefined) {
          error = `threshold ${i} run error: unable to apply threshold ${t.def.source} over metrics; reason: no metric supporting the ${t.def.expr.method} aggregation method found`;
          break;
        }
        const passes = compare(lhs, t.def.expr.operator, t.def.expr.value);
        t.lastFailed = !passes;
        t.lastValue = lhs;
        if (!passes) {
          succeeded = false;
          if (b.abort || !t.def.abortOnFail) continue;
          b.abort = t.def.delayAbortEvalMs === undefined || t.def.delayAbortEvalMs < elapsedMs;
        }
      }
      if (error !== undefined) {
        result.errors.push({ metric: b.state.name, message: error });
        continue;
      }
      if (succeeded) continue;
      result.breached.push(b.state.name);
      if (b.abort) result.shouldAbort = true;
    }
    result.breached.sort();
    return result;
  }

  /**
   * Periodic evaluation during the run. Calls `onAbort` once when an abortOnFail threshold fails
   * (after its delayAbortEval); the scheduler then stops the test (exit 99). Returns `stop()`.
   */
  start(opts: { elapsedMs: () => number; onAbort: (err: ThresholdsAbortError) => void; onErrors?: (r: ThresholdRunResult) => void; intervalMs?: number }): () => void {
    if (this.isEmpty) return () => {};
    let aborted = false;
    const timer = setInterval(() => {
      const r = this.evaluate(opts.elapsedMs(), { final: false });
      if (r.errors.length) opts.onErrors?.(r);
      if (r.shouldAbort && !aborted) {
        aborted = true;
        opts.onAbort(new ThresholdsAbortError(r.breached));
      }
    }, opts.intervalMs ?? THRESHOLDS_INTERVAL_MS);
    timer.unref?.();
    return () => clearInterval(timer);
  }

  /** Every threshold with its last outcome, in the order written (reports, chaos verdicts, gates). */
  outcomes(): ThresholdOutcome[] {
    const out: ThresholdOutcome[] = [];
    for (const b of this.bound) for (const t of b.thresholds) out.push({ key: b.key, metric: b.state.name, source: t.def.source, ok: !t.lastFailed, value: t.lastValue });
    return out;
  }

  /** `{ source: { ok } }` for one metric/submetric name, as in handleSummary data; undefined if it has none. */
  resultsFor(name: string): Record<string, { ok: boolean }> | undefined {
    const b = this.bound.find((x) => x.state.name === name);
    if (!b || b.thresholds.length === 0) return undefined;
    const out: Record<string, { ok: boolean }> = {};
    for (const t of b.thresholds) out[t.def.source] = { ok: !t.lastFailed };
    return out;
  }
}

export interface ThresholdOutcome {
  /** The key as written (`http_req_failed{phase:baseline}`). */
  key: string;
  /** The metric or submetric name it is bound to. */
  metric: string;
  source: string;
  ok: boolean;
  /** The aggregated value compared; undefined when never evaluated (no samples, or an evaluation error). */
  value?: number;
}

/** Raised through `onAbort`: the message is k6's. */
export class ThresholdsAbortError extends Error {
  constructor(readonly breached: string[]) {
    super(`thresholds on metrics '${breached.join(', ')}' were crossed; at least one has abortOnFail enabled, stopping test prematurely`);
    this.name = 'ThresholdsAbortError';
  }
}

/** k6's end-of-test message when thresholds failed (logged at error level, exit code 99). */
export function thresholdsCrossedMessage(breached: readonly string[]): string {
  return `thresholds on metrics '${breached.join(', ')}' have been crossed`;
}

/**
 * The harness's line for thresholds whose metric or submetric got no sample (no silent passes;
 * `harness run`, `harness gate`, `harness k6 run --fail-on-unmatched-thresholds`): names the key and
 * its expressions; `hint` says how to let it pass.
 */
export function unmatchedThresholdMessage(key: string, sources: readonly string[], hint: string): string {
  return `threshold ${sources.map((s) => JSON.stringify(s)).join(', ')} on ${key} matched no samples: a typo in the metric or tag? (${hint})`;
}

/** The values a metric's thresholds are checked against (k6 `Thresholds.Run`). */
function sinkValues(b: Bound, elapsedMs: number): Map<string, number> {
  const m = new Map<string, number>();
  const sink = b.state.sink;
  switch (sink.type) {
    case 'counter':
      m.set('count', sink.value);
      m.set('rate', sink.value / (Math.round(elapsedMs * 1e6) / 1e9));
      break;
    case 'gauge':
      m.set('value', sink.value);
      break;
    case 'rate':
      if (sink.total > 0) m.set('rate', sink.trues / sink.total);
      break;
    case 'trend': {
      const t: TrendSink = sink;
      m.set('min', t.min());
      m.set('max', t.max());
      m.set('avg', t.avg());
      m.set('med', t.med());
      for (const th of b.thresholds) {
        if (th.def.expr.method === 'p') m.set(sinkKey(th.def.expr), t.p(th.def.expr.percentile! / 100));
      }
      break;
    }
  }
  return m;
}
