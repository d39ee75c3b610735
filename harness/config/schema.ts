/**
 * The harness configuration: `harness.config.ts` at the project root sets any subset of it with
 * `defineConfig({...})`. Precedence (one function, `resolveConfig`): defaults < config file <
 * environment (`HARNESS_*`) < command-line flags.
 */
export type RuntimeChoice = 'auto' | 'docker' | 'local' | 'external';
export type InfluxShape = 'rollup' | 'raw';
export type EngineChoice = 'auto' | 'k6' | 'builtin';
export type ToxiproxyServerChoice = 'auto' | 'binary' | 'builtin' | 'none';
/** An output key, optionally with k6's `=argument` (`json=out/samples.ndjson`). */
export type OutputName = 'json' | 'influxdb' | 'none' | `${'json' | 'influxdb'}=${string}`;

export interface HarnessConfig {
  runtime: {
    /** `auto`: docker when available, else local. */
    name: RuntimeChoice;
    /** Deadline for each component to become ready. */
    readyTimeoutMs: number;
    /** An image pull fails when the daemon reports nothing for this long (env HARNESS_PULL_STALL_TIMEOUT_MS). */
    pullStallTimeoutMs: number;
    /** For `external` (or to override what the load generator calls). */
    targetUrl?: string;
  };
  engine: EngineChoice;
  toxiproxy: {
    /** Local runtime: which Toxiproxy server to run. */
    server: ToxiproxyServerChoice;
    /**
     * The built-in server's API token: only from the environment (HARNESS_TOXIPROXY_TOKEN); the
     * harness's Toxiproxy clients send it and a built-in server it starts requires it. Never
     * printed or written.
     */
    token?: string;
  };
  /** Container images; defaults are read from compose.yml (the only place tags are written). */
  images: Record<'redis' | 'toxiproxy' | 'influxdb' | 'grafana', string> & { target: string; base?: string };
  /** Host ports published on 127.0.0.1 by `docker` / `harness up` (local picks free ports). */
  ports: { gateway: number; toxiproxyApi: number; redis: number; influxdb: number; grafana: number };
  /** `--out influxdb` (docs/influxdb.md); env `INFLUX_URL|ORG|BUCKET|TOKEN` as the InfluxDB CLI. */
  influxdb: {
    url: string;
    org: string;
    bucket: string;
    /** Only from the environment (INFLUX_TOKEN or HARNESS_INFLUXDB_TOKEN); never printed or written. */
    token?: string;
    /** `rollup` (default): a point per metric, tag set and second; `raw`: k6's schema, a point per sample. */
    shape: InfluxShape;
    /** Tags left out of points (default `vu`, `iter`, `url`; `url` only when a `name` tag exists). */
    dropTags: string[];
    /** Also sample the target every second (gateway /metrics, Redis INFO); not on `external`. Default true. */
    sampleTarget: boolean;
  };
  /** Where `runs/<run-id>/` and `.harness-up.json` go, relative to the project root. */
  reportsDir: string;
  /** Defaults of `harness run` (flags override). */
  run: {
    vus?: number;
    /** k6 duration string (`30s`, `1m30s`). */
    duration?: string;
    seed?: number;
    /**
     * Engine processes on execution segments of the one test (`--runners`): a number, or `auto`
     * (every core for the built-in engine, 1 for real k6, which uses every core already). Default 1.
     */
    runners?: number | 'auto';
    outputs: OutputName[];
    keepUp: boolean;
    env: Record<string, string>;
    tags: Record<string, string>;
  };
  gateway: { env: Record<string, string> };
  /** Regression gates (`harness gate`, `run --baseline`; docs/gates.md): tolerances and the test's level. */
  gate: GateConfig;
  worker: { env: Record<string, string> };
}

/**
 * The gate's tolerances (docs/gates.md): the one home of these fields. harness.config.ts sets them
 * under `gate`; harness/gate's `compareRuns` reads them (config sits below the gate).
 */
export interface GateTolerances {
  /**
   * Significance level (default 0.05): a change counts only when p < alpha; the percentiles of one
   * series are one family, each tested at alpha / their number (Bonferroni).
   */
  alpha: number;
  /** Trend metrics whose percentiles are compared (default `http_req_duration`). */
  latencyMetrics: string[];
  /** Percentiles compared, any of 10, 50, 95, 99 (default 10, 95: p10 for a slowdown of every request, p95 for the tail; docs/gates.md). */
  percentiles: number[];
  /** Relative increase of a latency percentile tolerated (default 0.10 = +10%). */
  latencyTolerance: number;
  /** Absolute increase of `http_req_failed` tolerated (default 0.01 = one point). */
  errorRateTolerance: number;
  /** Relative drop of `http_reqs` per second tolerated (default 0.10). */
  throughputTolerance: number;
  /** Absolute increase of a check's failure rate tolerated (default 0.01). */
  checksTolerance: number;
  /** With 2 baseline runs the tolerance widens by this many between-run spreads (default 2); 3 or more runs use the between-runs test. */
  noiseFactor: number;
  /**
   * When the run's processes waited for a CPU more than this many times as much as in the
   * baseline's busiest run (run.json `cpuContention`, Linux), latency rows from p50 up that rose
   * are `inconclusive` instead of `regressed`: the machine's neighbours, not the change, move the
   * tail then (default 1.5; 0 turns it off; docs/gates.md).
   */
  busyMachineFactor: number;
  /**
   * Per metric or tag set, in k6's threshold key syntax (`http_req_duration{name:GET /health}`,
   * `checks{check:accepted 202}`): tolerances that differ from the ones above. The most specific
   * key matching a series wins. A key that matches no series of the baseline fails the gate (a
   * typo must not pass silently) unless it says `optional: true`.
   */
  series: Record<string, GateSeriesTolerances>;
}

/** One `gate.series` entry. */
export interface GateSeriesTolerances {
  latencyTolerance?: number;
  errorRateTolerance?: number;
  throughputTolerance?: number;
  checksTolerance?: number;
  /** May match no series of the baseline (an endpoint not every run calls). */
  optional?: boolean;
}

/** The tolerance fields a `gate.series` entry may set. */
export const GATE_SERIES_TOLERANCES = ['latencyTolerance', 'errorRateTolerance', 'throughputTolerance', 'checksTolerance'] as const;

export interface GateConfig extends GateTolerances {
  /** Threshold keys (`http_req_duration{name:rare}`) allowed to match no samples; any other such threshold fails `run` and `gate`. */
  optionalThresholds: string[];
}

/** The gate's defaults (docs/gates.md shows them). */
export const GATE_DEFAULTS: GateTolerances = {
  alpha: 0.05,
  latencyMetrics: ['http_req_duration'],
  percentiles: [10, 95],
  latencyTolerance: 0.1,
  errorRateTolerance: 0.01,
  throughputTolerance: 0.1,
  checksTolerance: 0.01,
  noiseFactor: 2,
  busyMachineFactor: 1.5,
  series: {},
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends Array<unknown> ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** What `harness.config.ts` may set (the InfluxDB token is deliberately not settable here). */
export type UserConfig = DeepPartial<Omit<HarnessConfig, 'influxdb' | 'toxiproxy'>> & {
  influxdb?: Partial<Omit<HarnessConfig['influxdb'], 'token'>>;
  toxiproxy?: Partial<Omit<HarnessConfig['toxiproxy'], 'token'>>;
};

/** Identity with types: `export default defineConfig({ runtime: { name: 'local' } })`. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

export const RUNTIME_CHOICES: readonly RuntimeChoice[] = ['auto', 'docker', 'local', 'external'];
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'k6', 'builtin'];
export const TOXIPROXY_CHOICES: readonly ToxiproxyServerChoice[] = ['auto', 'binary', 'builtin', 'none'];
export const OUTPUT_CHOICES: readonly string[] = ['json', 'influxdb', 'none'];
