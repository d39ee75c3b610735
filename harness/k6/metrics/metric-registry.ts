import type { MetricDef, MetricRegistry, MetricType, ValueType } from '../types';
import { BUILTIN_METRICS } from './builtin';

const NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]{1,128}$/;
const BAD_NAME =
  'Metric names must only include up to 128 ASCII letters, numbers, or underscores and start with a letter or an underscore.';
const METRIC_TYPES: readonly MetricType[] = ['counter', 'gauge', 'rate', 'trend'];
const VALUE_TYPES: readonly ValueType[] = ['default', 'time', 'data'];

/** k6's metric name rule (`metrics/registry.go` checkName). */
export function isValidMetricName(name: string): boolean {
  return NAME_RE.test(name);
}

/**
 * k6's metric registry (`metrics.Registry`): one definition per name, errors worded as k6's.
 * Create it with `createMetricRegistry()` to get k6's built-in metrics pre-registered.
 */
export class K6MetricRegistry implements MetricRegistry {
  private readonly metrics = new Map<string, MetricDef>();

  getOrCreate(name: string, type: MetricType, contains?: ValueType): MetricDef {
    if (!isValidMetricName(name)) throw new Error(`Invalid metric name: '${name}'. ${BAD_NAME}`);
    if (!METRIC_TYPES.includes(type)) throw new Error(`invalid metric type '${String(type)}' for metric '${name}'`);
    if (contains !== undefined && !VALUE_TYPES.includes(contains)) {
      throw new Error(`invalid value type '${String(contains)}' for metric '${name}'`);
    }
    const old = this.metrics.get(name);
    if (!old) {
      const def: MetricDef = Object.freeze({ name, type, contains: contains ?? 'default' });
      this.metrics.set(name, def);
      return def;
    }
    if (old.type !== type) {
      throw new Error(`metric '${name}' already exists but with type ${old.type}, instead of ${type}`);
    }
    if (contains !== undefined && contains !== old.contains) {
      throw new Error(`metric '${name}' already exists but with a value type ${old.contains}, instead of ${contains}`);
    }
    return old;
  }

  get(name: string): MetricDef | undefined {
    return this.metrics.get(name);
  }

  /** In registration order. */
  all(): MetricDef[] {
    return [...this.metrics.values()];
  }
}

/** A registry holding k6's built-in metrics; scripts add theirs through `getOrCreate`. */
export function createMetricRegistry(): K6MetricRegistry {
  const r = new K6MetricRegistry();
  for (const m of BUILTIN_METRICS) r.getOrCreate(m.name, m.type, m.contains);
  return r;
}
