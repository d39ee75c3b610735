import type { MetricType, Tags } from '../samples';
import type { ThresholdMetric, ThresholdMetricSource } from './evaluator';
import { parseSubmetricSelector, sameTags, validateMetricKey } from './metric-key';
import { type AnySink, newSink } from './sinks';

interface Aggregate extends ThresholdMetric {
  readonly sink: AnySink;
  samples: number;
}

interface Metric {
  readonly state: Aggregate;
  readonly submetrics: Array<{ tags: ReadonlyArray<readonly [string, string]>; selector: Tags; state: Aggregate }>;
}

/**
 * Aggregates samples of a k6 JSON stream into the engine's sinks, per metric and per submetric a
 * threshold key selects (k6 semantics: a sample counts for `m{a:x,b:y}` when its tags include
 * every selector tag), so thresholds are evaluated outside the engine exactly as inside it:
 *
 *   types (Metric lines) ─▶ new ThresholdsEvaluator(config, metrics) binds the keys
 *   Point lines ─▶ metrics.add(sample) ─▶ sinks ─▶ evaluator.evaluate(elapsed, { final: true })
 *
 * Only bound metrics keep their samples' values (trends); everything else is dropped on arrival.
 */
export class SampleMetrics implements ThresholdMetricSource {
  readonly #types = new Map<string, MetricType>();
  readonly #metrics = new Map<string, Metric>();

  constructor(types: Iterable<readonly [string, MetricType]> = []) {
    for (const [name, type] of types) this.#types.set(name, type);
  }

  /** A metric's type, from its Metric line (or derived); later samples of it aggregate accordingly. */
  define(name: string, type: MetricType): this {
    this.#types.set(name, type);
    return this;
  }

  has(name: string): boolean {
    return this.#types.has(name);
  }

  ensureSubmetric(key: string): Aggregate {
    const parsed = validateMetricKey(key);
    if (!parsed.ok) throw new Error(parsed.error);
    const { metric: name, suffix } = parsed.key;
    let m = this.#metrics.get(name);
    if (!m) {
      const type = this.#types.get(name);
      if (!type) throw new Error(`no metric named ${JSON.stringify(name)} in the samples`);
      m = { state: { name, sink: newSink(type), thresholds: [], samples: 0 }, submetrics: [] };
      this.#metrics.set(name, m);
    }
    if (suffix === undefined) return m.state;
    const selector = parseSubmetricSelector(name, suffix);
    const existing = m.submetrics.find((s) => sameTags(s.selector, selector));
    if (existing) return existing.state;
    const state: Aggregate = { name: `${name}{${suffix}}`, sink: newSink(m.state.sink.type), parent: m.state, thresholds: [], samples: 0 };
    m.submetrics.push({ tags: Object.entries(selector), selector, state });
    return state;
  }

  markObserved(): void {
    // nothing is rendered from here; the engine uses this for its summary
  }

  /** One Point; samples of metrics no threshold names are ignored. */
  add(sample: { metric: string; value: number; tags: Tags }): void {
    const m = this.#metrics.get(sample.metric);
    if (!m) return;
    m.state.sink.add(sample.value);
    m.state.samples++;
    for (const s of m.submetrics) {
      if (!s.tags.every(([k, v]) => sample.tags[k] === v)) continue;
      s.state.sink.add(sample.value);
      s.state.samples++;
    }
  }

  /** How many samples a bound metric or submetric received (0 when no threshold names its metric). */
  samples(key: string): number {
    const parsed = validateMetricKey(key);
    if (!parsed.ok || !this.#metrics.has(parsed.key.metric)) return 0;
    return this.ensureSubmetric(key).samples;
  }
}
