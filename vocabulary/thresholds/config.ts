import { formatDuration, parseDuration } from '../duration';
import type { MetricType, ThresholdJson } from '../samples';
import { validateMetricKey, parseSubmetricSelector } from './metric-key';
import { parseThresholdExpression, SUPPORTED_METHODS, ThresholdParseError, type ThresholdExpression } from './parser';

/**
 * `options.thresholds` as k6 accepts it:
 * ```
 * thresholds: {
 *   http_req_failed: ['rate<0.01'],
 *   'http_req_duration{scenario:ingest}': ['p(95)<200', { threshold: 'p(99)<500', abortOnFail: true, delayAbortEval: '10s' }],
 * }
 * ```
 */
export type ThresholdsOption = Record<string, Array<string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string | number | null }>>;

export interface ThresholdDef {
  /** The expression text exactly as written (k6 keys results by it). */
  source: string;
  expr: ThresholdExpression;
  abortOnFail: boolean;
  /** ms; undefined = not set (abort as soon as it fails). */
  delayAbortEvalMs?: number;
}

export interface ThresholdsConfig {
  /** In the order written. */
  entries: Array<{ key: string; thresholds: ThresholdDef[] }>;
}

/**
 * Parses `options.thresholds`, reporting every problem at once (dot-paths such as
 * `thresholds["http_req_duration"][1]: failed parsing threshold "p95<200": ...`). Valid entries
 * are kept even when others fail, so callers can still show them.
 */
export function parseThresholdsConfig(option: unknown): { config: ThresholdsConfig; problems: string[] } {
  const config: ThresholdsConfig = { entries: [] };
  const problems: string[] = [];
  if (option === undefined || option === null) return { config, problems };
  if (typeof option !== 'object' || Array.isArray(option)) {
    return { config, problems: ['thresholds: must be an object mapping metric names to arrays of thresholds'] };
  }
  for (const [key, list] of Object.entries(option as Record<string, unknown>)) {
    const at = `thresholds[${JSON.stringify(key)}]`;
    if (!Array.isArray(list)) {
      problems.push(`${at}: must be an array of threshold expressions or {threshold, abortOnFail, delayAbortEval} objects`);
      continue;
    }
    const defs: ThresholdDef[] = [];
    list.forEach((item: unknown, i) => {
      const path = `${at}[${i}]`;
      let source: unknown = item;
      let abortOnFail = false;
      let delayAbortEvalMs: number | undefined;
      if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
        const o = item as Record<string, unknown>;
        source = o.threshold;
        if (o.abortOnFail !== undefined && typeof o.abortOnFail !== 'boolean') {
          problems.push(`${path}.abortOnFail: must be a boolean`);
          return;
        }
        abortOnFail = o.abortOnFail === true;
        if (o.delayAbortEval !== undefined && o.delayAbortEval !== null) {
          if (typeof o.delayAbortEval !== 'string' && typeof o.delayAbortEval !== 'number') {
            problems.push(`${path}.delayAbortEval: must be a duration string or a number of ms`);
            return;
          }
          const d = parseDuration(o.delayAbortEval);
          if (!d.ok) {
            problems.push(`${path}.delayAbortEval: time: invalid duration ${JSON.stringify(String(o.delayAbortEval))}`); // Go's message, as k6 prints it
            return;
          }
          delayAbortEvalMs = d.ms;
        }
      }
      if (typeof source !== 'string') {
        problems.push(`${path}: must be a threshold expression string such as "p(95)<200" or an object with a "threshold" string`);
        return;
      }
      try {
        defs.push({ source, expr: parseThresholdExpression(source), abortOnFail, delayAbortEvalMs });
      } catch (e) {
        if (!(e instanceof ThresholdParseError)) throw e;
        problems.push(`${path}: ${e.message}`);
      }
    });
    config.entries.push({ key, thresholds: defs });
  }
  return { config, problems };
}

/** The metrics a run knows (the engine's metric registry, or the Metric lines of a stream). */
export interface MetricTypes {
  get(name: string): { readonly type: MetricType } | undefined;
}

/**
 * Checks every threshold key and expression against the metrics that exist after the init
 * context ran (built-in + the script's custom metrics). Returns all problems; empty = valid.
 * k6 reports these before any load and exits 104 (`InvalidConfigError`).
 */
export function validateThresholds(config: ThresholdsConfig, registry: MetricTypes): string[] {
  const problems: string[] = [];
  for (const { key, thresholds } of config.entries) {
    const at = `thresholds[${JSON.stringify(key)}]`;
    const parsed = validateMetricKey(key);
    if (!parsed.ok) {
      problems.push(`${at}: ${parsed.error}`);
      continue;
    }
    const def = registry.get(parsed.key.metric);
    if (!def) {
      problems.push(`${at}: no metric named ${JSON.stringify(parsed.key.metric)} exists in the script (built-in or created with k6/metrics)`);
      continue;
    }
    if (parsed.key.suffix !== undefined) {
      try {
        parseSubmetricSelector(parsed.key.metric, parsed.key.suffix);
      } catch (e) {
        problems.push(`${at}: ${(e as Error).message}`);
        continue;
      }
    }
    thresholds.forEach((t, i) => {
      const supported = SUPPORTED_METHODS[def.type];
      if (!supported.includes(t.expr.method)) {
        problems.push(
          `${at}[${i}]: invalid threshold ${JSON.stringify(t.source)}: unsupported aggregation method ${t.expr.method} on metric ${parsed.key.metric} of type ${def.type}; supported: ${supported.map((m) => (m === 'p' ? 'p(N)' : m)).join(', ')}`,
        );
      }
    });
  }
  return problems;
}

/** k6's JSON form of a threshold (Metric lines of `--out json`): the source, or an object when abortOnFail. */
export function thresholdJson(t: ThresholdDef): ThresholdJson {
  if (!t.abortOnFail) return t.source;
  return {
    threshold: t.source,
    abortOnFail: true,
    delayAbortEval: t.delayAbortEvalMs === undefined ? null : formatDuration(t.delayAbortEvalMs),
  };
}
