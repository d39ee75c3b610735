import { applySinkDelta, parseThresholdsConfig, ThresholdsEvaluator, type MetricInfo, type Sample } from '../../../vocabulary';
import type { AggregatesRecord } from './runners-protocol';
import { createMetricRegistry } from '../metrics/metric-registry';
import { MetricsEngine } from '../metrics/metrics-engine';
import { buildSummaryData, type SummaryData } from '../output/summary-data';

/**
 * The metrics of several runners' streams as one engine sees them: every sample into one
 * MetricsEngine, thresholds judged over the union (exact percentiles from every value). Shared by
 * the after-the-fact merge (`mergeRunnerStreams`, `harness k8s merge`) and the live one
 * (`LiveRunnerMerge`, `harness run --runners N`).
 *
 * Thresholds are bound as each metric's Metric line arrives, before its first sample: a
 * submetric's sink sees only samples pushed after it exists. Given thresholds (the script's
 * `thresholds` option) wait for their metric; without them, each Metric line brings its own.
 */
export class MergedMetrics {
  private readonly registry = createMetricRegistry();
  readonly engine = new MetricsEngine({ registry: this.registry });
  readonly thresholds: ThresholdsEvaluator;
  private readonly given: ReturnType<typeof parseThresholdsConfig> | undefined;
  private readonly pending: ReturnType<typeof parseThresholdsConfig>['config']['entries'];
  private readonly seen = new Set<string>();

  constructor(thresholdsOption?: unknown) {
    this.given = thresholdsOption === undefined ? undefined : parseThresholdsConfig(thresholdsOption);
    if (this.given?.problems.length) throw new Error(`invalid thresholds: ${this.given.problems.join('; ')}`);
    this.pending = [...(this.given?.config.entries ?? [])];
    this.thresholds = new ThresholdsEvaluator({ entries: [] }, this.engine);
  }

  get hasThresholds(): boolean {
    return this.thresholds.outcomes().length > 0 || this.pending.length > 0;
  }

  /** A Metric line; false when the metric was already seen (write its line once). */
  onMetric(m: MetricInfo): boolean {
    if (this.seen.has(m.name)) return false;
    this.seen.add(m.name);
    this.registry.getOrCreate(m.name, m.type, m.contains);
    if (this.given) this.bindFor(m.name);
    else if (m.thresholds?.length) {
      const own = parseThresholdsConfig({ [m.name]: [...m.thresholds] });
      if (own.problems.length) throw new Error(`invalid thresholds in the stream: ${own.problems.join('; ')}`);
      this.thresholds.add(own.config);
    }
    return true;
  }

  push(s: Sample): void {
    if (!this.registry.get(s.metric)) this.registry.getOrCreate(s.metric, 'trend'); // a Point before its Metric line: k6 never writes that
    this.engine.push(s);
  }

  /**
   * A runner's aggregates (`RunnerAggregates`): each metric's and submetric's sink gains what the
   * runner's did, exactly (trend values themselves, so percentiles are computed over every value);
   * checks and groups likewise. A metric is registered (and its thresholds bound) at its first record.
   */
  applyAggregates(rec: AggregatesRecord): void {
    for (const m of rec.metrics) {
      if (m.contains !== undefined) this.onMetric({ name: m.name, type: m.type, contains: m.contains, thresholds: [], submetrics: null });
      const state = m.contains !== undefined ? this.engine.metric(m.name) : this.engine.ensureSubmetric(m.name);
      if (!state) throw new Error(`aggregates for unregistered metric '${m.name}'`);
      this.engine.markObserved(state);
      applySinkDelta(state.sink, m.delta);
    }
    for (const g of rec.groups) this.engine.groups.group(g);
    for (const c of rec.checks) {
      const node = this.engine.groups.check(c.group, c.name);
      node.passes += c.passes;
      node.fails += c.fails;
    }
  }

  /**
   * Binds the thresholds of metrics no runner emitted (a custom metric never added to), with the
   * type their aggregation implies: judged on nothing, as k6 judges them (and the run's threshold
   * coverage names them). Call once, before the final evaluation.
   */
  private bindRemaining(): void {
    for (const e of [...this.pending]) {
      const name = metricOf(e.key);
      if (!this.registry.get(name)) this.registry.getOrCreate(name, impliedType(e.thresholds.map((d) => d.source)));
      this.bindFor(name);
    }
  }

  /**
   * The end of the test: thresholds still waiting for a Metric line bound, all of them judged
   * once (final) over `durationMs`, and handleSummary's data after that verdict.
   */
  finish(durationMs: number, o: { summaryTrendStats?: readonly string[]; summaryTimeUnit?: string } = {}): { summary: SummaryData; breached: string[]; thresholdErrors: Array<{ metric: string; message: string }> } {
    this.bindRemaining();
    const result = this.thresholds.evaluate(durationMs, { final: true });
    return { summary: this.summary(durationMs, o), breached: result.breached, thresholdErrors: result.errors };
  }

  summary(durationMs: number, o: { summaryTrendStats?: readonly string[]; summaryTimeUnit?: string } = {}): SummaryData {
    return buildSummaryData({ engine: this.engine, thresholds: this.thresholds, testRunDurationMs: durationMs, summaryTrendStats: o.summaryTrendStats, summaryTimeUnit: o.summaryTimeUnit });
  }

  /** The percentiles the trend thresholds name, over the merged values (for the summary's thresholds section). */
  thresholdPercentiles(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const o of this.thresholds.outcomes()) {
      const pm = /^p\((\d+(?:\.\d+)?)\)\s*[<>=]/.exec(o.source.trim());
      if (!pm) continue;
      const sink = this.engine.observedMetrics().find((m) => m.name === o.metric)?.sink;
      if (!sink || sink.type !== 'trend' || sink.isEmpty()) continue;
      const p = Number(pm[1]) / 100;
      (out[o.metric] ??= {})[String(p)] = sink.p(p);
    }
    return out;
  }

  private bindFor(metric: string): void {
    const mine = this.pending.filter((e) => metricOf(e.key) === metric);
    if (!mine.length) return;
    this.thresholds.add({ entries: mine });
    for (const e of mine) this.pending.splice(this.pending.indexOf(e), 1);
  }
}

function metricOf(key: string): string {
  const brace = key.indexOf('{');
  return brace === -1 ? key : key.slice(0, brace);
}

function impliedType(sources: readonly string[]): 'counter' | 'gauge' | 'rate' | 'trend' {
  const agg = sources[0]?.trim().match(/^[a-z]+/)?.[0];
  return agg === 'rate' ? 'rate' : agg === 'count' ? 'counter' : agg === 'value' ? 'gauge' : 'trend';
}
