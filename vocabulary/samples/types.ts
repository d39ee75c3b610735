/**
 * The k6 JSON stream (`--out json`, k6 v0.48 `output/json`), one object per line:
 *
 *   {"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"http_reqs"}
 *   {"metric":"http_reqs","type":"Point","data":{"time":"2026-11-22T06:41:04.121223835Z","value":1,"tags":{"status":"202"}}}
 *
 * A Metric line precedes the first Point of its metric. Real k6 and the built-in engine write it;
 * the run session, chaos, live stats, reports and gates read it.
 */
export type Tags = Record<string, string>;

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
/** k6's "contains": how values are formatted (time in ms, data in bytes). */
export type ValueType = 'default' | 'time' | 'data';

/** One measurement: a Point line, and the unit every engine, output and report passes around. */
export interface Sample {
  metric: string;
  /** ms since the epoch, float (the line has RFC 3339 with ns). */
  time: number;
  value: number;
  tags: Tags;
  /** k6 "metadata" (non-indexed tags), rarely used. */
  metadata?: Record<string, string>;
}

/** A threshold as k6 serialises it in Metric lines: the source, or the object form when abortOnFail. */
export type ThresholdJson = string | { threshold: string; abortOnFail: boolean; delayAbortEval: string | null };

export interface SubmetricInfo {
  /** `parent{suffix}` */
  name: string;
  suffix: string;
  tags: Tags;
}

/** A Metric line's `data`: name, type, contains, thresholds, submetrics. */
export interface MetricInfo {
  name: string;
  type: MetricType;
  /** Absent in streams written by older tools; k6 always writes it. */
  contains: ValueType;
  thresholds: ThresholdJson[];
  /** null when none, as k6 (Go nil slice). */
  submetrics: SubmetricInfo[] | null;
}
