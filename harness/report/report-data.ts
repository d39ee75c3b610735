/**
 * What a report shows, built from a run directory in one streaming pass (`buildReportData`) or
 * grown live during a run (`ReportBuilder.snapshot()`), and the only thing the page code reads:
 * the HTML file embeds it as JSON, the live dashboard sends it over SSE.
 */
export interface ReportData {
  version: 1;
  /** Generated while the run is still going (the live dashboard). */
  live: boolean;
  generatedAt: string;
  meta: ReportMeta;
  /** Seconds per chart point (1 unless the run is longer than `MAX_POINTS` seconds). */
  step: number;
  series: ReportSeries;
  thresholds: ThresholdRow[];
  checks: CheckRow[];
  endpoints: EndpointRow[];
  /** Chaos fault windows and phases (epoch ms). */
  windows: TimeWindow[];
  totals: ReportTotals;
}

export interface ReportMeta {
  runId: string;
  kind: string;
  scenario?: string;
  experiment?: string;
  seed?: number;
  engine?: string;
  engineVersion?: string;
  runtime?: string;
  gitCommit?: string;
  machine?: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  exitCode?: number;
  verdict?: string;
  /** The command that reproduces the run (same scenario, seed, engine, runtime, duration). */
  command: string;
}

/** Per-point arrays, all the length of `t`; null = no value in that point. */
export interface ReportSeries {
  /** Unix seconds of each point's start. */
  t: number[];
  /** http_reqs per second. */
  reqs: number[];
  /** http_reqs per second by `status`. */
  reqsByStatus: Record<string, number[]>;
  /** Failed requests (http_req_failed = 1) per second by `status`. */
  errorsByStatus: Record<string, number[]>;
  /** `vus` gauge: the highest value in the point. */
  vus: Array<number | null>;
  /** `iterations` per second. */
  iterations: number[];
  /** http_req_duration percentiles (ms). */
  p50: Array<number | null>;
  p90: Array<number | null>;
  p95: Array<number | null>;
  p99: Array<number | null>;
}

export interface ThresholdRow {
  /** The key as written: metric or submetric (`http_req_duration{name:POST /telemetry}`). */
  key: string;
  source: string;
  /** null: not known (a submetric threshold only summary.json names: k6 writes no Metric line for it). */
  abortOnFail: boolean | null;
  /** The aggregated value compared; null when never evaluated (no samples, evaluation error). */
  value: number | null;
  ok: boolean;
  note?: string;
  /** `chaos`: a chaos experiment's hypothesis threshold, judged by chaos over its phase-tagged samples. */
  origin?: 'chaos';
}

export interface CheckRow {
  /** Group path (`::outer::inner`), '' for the root group. */
  group: string;
  name: string;
  passes: number;
  fails: number;
}

export interface EndpointRow {
  /** The `name` tag (k6 defaults it to the URL). */
  name: string;
  count: number;
  failed: number;
  errorRate: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface TimeWindow {
  kind: 'fault' | 'phase';
  name: string;
  /** Epoch ms. */
  start: number;
  end: number;
}

export interface ReportTotals {
  samples: number;
  requests: number;
  failedRequests: number;
  iterations: number;
  vusMax: number;
  /** http_req_duration over the whole run (ms); null without requests. */
  duration: { p50: number; p90: number; p95: number; p99: number; max: number } | null;
  /** First and last sample (epoch ms). */
  firstMs: number | null;
  lastMs: number | null;
}
