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
  /** compare.html only: this run gated against a baseline (harness/gate writes it; report.html has none). */
  compare?: CompareData;
  /**
   * The target's side (the run directory's `target.ndjson`: gateway /metrics and Redis, one
   * scrape a second); absent when the target was not sampled (external runtime, older runs).
   */
  target?: TargetSeries;
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
  /**
   * Set when the engine exported no summary (its summary disabled): where summary.json came from
   * instead, or that there is none (run.json `summaryNote`).
   */
  summaryNote?: string;
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

/** Per-point arrays of the target's side, all the length of `t`; null = no scrape answered in that point. */
export interface TargetSeries {
  /** Unix seconds of each point's start. */
  t: number[];
  /** Seconds per point (1 unless the run is longer than `MAX_POINTS` seconds). */
  step: number;
  /** Records waiting in the queue (Redis LLEN; the gateway's figure when Redis was not read): the highest in the point. */
  queued: Array<number | null>;
  /** Records taken by workers and not yet processed: the highest in the point. */
  processing: Array<number | null>;
  /** Samples per second, from the gateway's counters (a counter reset, a restarted gateway, counts from zero). */
  received: Array<number | null>;
  accepted: Array<number | null>;
  processed: Array<number | null>;
  /** Rejected samples per second by `reason`. */
  rejectedByReason: Record<string, Array<number | null>>;
  /** Circuit breaker: 0 closed, 1 half-open, 2 open (the worst in the point). */
  breaker: Array<number | null>;
  /** Whether the gateway reached Redis: 1 or 0 (the lowest in the point). */
  redisUp: Array<number | null>;
  /** Redis `used_memory` (bytes) and `instantaneous_ops_per_sec`: the highest in the point. */
  redisMemory: Array<number | null>;
  redisOps: Array<number | null>;
  /** Scrapes read. */
  scrapes: number;
}

export interface ThresholdRow {
  /** The key as written: metric or submetric (`http_req_duration{name:POST /telemetry}`). */
  key: string;
  source: string;
  /** From the Metric line or thresholds.json (the scenario's own definitions); null: not known (an older run directory's submetric: k6 writes no Metric line for it). */
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

/** The regression gate's view of a run against a baseline: the verdict table and the baseline's charts. */
export interface CompareData {
  /** The baseline's name (`main`) and the run ids saved under it. */
  baseline: string;
  baselineRuns: string[];
  /** Several runs pooled as the candidate (`harness gate <run> <run>...`): the table is theirs, the charts the first's. */
  candidateRuns?: string[];
  /** `failed`: something regressed or went missing (exit 112). */
  verdict: 'passed' | 'failed';
  /** `12 compared: 1 regressed, 0 missing, 0 improved, 11 unchanged` */
  summary: string;
  /** One row per compared statistic and tag set, regressions first, formatted as in gate.md. */
  rows: CompareRow[];
  /** The baseline's chart values for the overlay: the median over its runs, one point per `step` s from its first second. */
  series: CompareSeries;
}

export interface CompareRow {
  verdict: 'improved' | 'unchanged' | 'regressed' | 'missing' | 'inconclusive';
  /** `http_req_duration p95` */
  statistic: string;
  /** `{method=POST,name=POST /telemetry}`, '' for the whole metric. */
  tags: string;
  baseline: string;
  candidate: string;
  change: string;
  tolerance: string;
  effect: string;
  confidence: string;
  note: string;
}

/** Per-point arrays (index i = seconds i*step..(i+1)*step from the run's first second); null = no value. */
export interface CompareSeries {
  step: number;
  /** http_reqs per point. */
  reqs: Array<number | null>;
  /** Failed requests (http_req_failed = 1) per point. */
  failed: Array<number | null>;
  /** http_req_duration percentiles (ms). */
  p50: Array<number | null>;
  p95: Array<number | null>;
  p99: Array<number | null>;
  /** `vus`: the highest value in the point. */
  vus: Array<number | null>;
  /** iterations per point. */
  iterations: Array<number | null>;
}
