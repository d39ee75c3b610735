/**
 * Contracts of the built-in k6-compatible engine (`harness k6 run`).
 *
 *   script.(ts|js) ──esbuild──▶ CJS bundle ──async transform──▶ vm.Script (compiled once)
 *                                                                   │ one realm shared by all VUs (or one per VU)
 *   executors/ ──(IterationContext)──▶ VU.runIteration() ──▶ modules/ (k6, k6/http, …)
 *        │                                                          │ samples
 *        └──────────── iterations, vus, dropped_iterations ────────▶ MetricsEngine ──▶ outputs/ (json, …)
 *                                                                   └──▶ thresholds/ , summary/
 *
 * Folder ownership:
 *   runtime/   VU realms (shared when the script allows), the sync-looking-async transform, module loader, init context
 *   modules/   the k6/* JS modules the script imports (plain async host functions)
 *   http/      HTTP/1.1 client with k6's timings, per-VU connection reuse, cookie jar
 *   metrics/   registry, sinks (counter/gauge/rate/trend), builtin metric names, tag sets
 *   thresholds/ parser (grammar in its doc comment) and evaluator
 *   executors/ registry + one file per executor
 *   execution/ scheduler: setup → scenarios → teardown, graceful stop, abort, progress line
 *   output/    --out json, end-of-test summary text, --summary-export, handleSummary data
 *   cli/       k6's `run` flags → options; `runK6(argv, io)` returns the exit code
 *
 * Time is milliseconds since the Unix epoch as a float (sub-ms precision from
 * `performance.timeOrigin + performance.now()`); outputs format it (k6 JSON uses RFC 3339 with ns).
 */

import type { MetricType, Sample, Tags, ValueType } from '../../vocabulary';

// The sample vocabulary is engine-independent (vocabulary/samples); the engine speaks it.
export type { MetricType, Sample, Tags, ValueType };

export interface MetricDef {
  readonly name: string;
  readonly type: MetricType;
  readonly contains: ValueType;
}


export interface MetricRegistry {
  /**
   * Returns the metric, creating it on first use. Throws (a plain Error with a clear message)
   * when the name is invalid or already registered with another type/contains, as k6 does.
   */
  getOrCreate(name: string, type: MetricType, contains?: ValueType): MetricDef;
  get(name: string): MetricDef | undefined;
  all(): MetricDef[];
}

/** Where samples go. Never blocks; implementations buffer. Called only from the main thread. */
export interface SampleSink {
  push(sample: Sample): void;
  pushMany?(samples: Sample[]): void;
}

/** k6-style structured logger (`time="…" level=info msg="…" source=console`). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** What the script exported, read from the init context of the first VU. */
export interface ScriptExports {
  /** The exported `options`, JSON-copied (functions dropped). */
  options: Record<string, unknown>;
  /** Names of exported functions (`default`, `setup`, `teardown`, `handleSummary`, named execs). */
  functions: string[];
}

/** Consolidated test-wide settings the runtime needs (derived from options + flags). */
export interface RuntimeOptions {
  /** Script path as the user gave it (for error messages and `open()` resolution). */
  filename: string;
  /** Directory relative paths in `open()` and imports resolve against. */
  cwd: string;
  /** `__ENV`: the process env when `includeSystemEnvVars`, plus `--env K=V`. */
  env: Record<string, string>;
  /** Test-wide tags (`--tag`, `options.tags`). */
  tags: Tags;
  /** Enabled system tags (k6 default set unless `options.systemTags`). */
  systemTags: Set<string>;
  userAgent: string;
  noConnectionReuse?: boolean;
  noVUConnectionReuse?: boolean;
  discardResponseBodies?: boolean;
  /** Max parallel requests per `http.batch` (k6 default 10) and per host (6). */
  batch?: number;
  batchPerHost?: number;
  /** Default request timeout in ms (k6: 60 s). */
  httpTimeoutMs?: number;
  maxRedirects?: number;
  throw?: boolean;
  /** Hosts mapping (`options.hosts`). */
  hosts?: Record<string, string>;
  /** `options.insecureSkipTLSVerify`: accept any TLS certificate. */
  insecureSkipTLSVerify?: boolean;
  /** `exec.test.options`: k6's consolidated options (set once consolidated; the script's own until then). */
  testOptions?: Record<string, unknown>;
  logger: Logger;
  metrics: MetricRegistry;
  sink: SampleSink;
  /** `k6/secrets`: the secret sources of `--secret-source` (none: every get rejects, as in k6). */
  secrets?: SecretStore;
}

/** Secret values by source name and key (harness/k6/secrets); values it handed out are redacted from logs. */
export interface SecretStore {
  get(source: string, key: string): Promise<string>;
}

/** Live, read-only view of the scenario a VU is running, for `k6/execution` and tags. */
export interface ScenarioInfo {
  readonly name: string;
  readonly executor: string;
  /** ms since epoch */
  readonly startTime: number;
  /** 0..1 */
  readonly progress: number;
  readonly iterationInInstance: number;
  readonly iterationInTest: number;
}

/** Live, read-only view of the whole test instance, for `k6/execution`. */
export interface InstanceInfo {
  readonly iterationsCompleted: number;
  readonly iterationsInterrupted: number;
  readonly vusActive: number;
  readonly vusInitialized: number;
  /** ms */
  readonly currentTestRunDuration: number;
}

/** Everything one iteration needs, handed in by the executor. */
export interface IterationContext {
  /** Exported function to call (`default` unless the scenario sets `exec`). */
  exec: string;
  scenario: ScenarioInfo;
  instance: InstanceInfo;
  /** Scenario `env` merged over the test env (becomes `__ENV` for this iteration). */
  env: Record<string, string>;
  /** Test tags + scenario tags + `scenario` system tag; the runtime adds `group` etc. */
  tags: Tags;
  /** Per-VU iteration counter within the scenario (`__ITER`). */
  iteration: number;
  /** Per-VU iteration counter across the VU's life (`exec.vu.iterationInInstance`). */
  vuIterationInInstance: number;
  /** `exec.vu.idInTest`: differs from `__VU` in an execution segment; `__VU` when omitted. */
  vuIdInTest?: number;
  /**
   * Aborted at a hard stop (gracefulStop elapsed, test aborted, Ctrl-C). The runtime must end the
   * iteration promptly: in-flight sleeps and HTTP requests reject with an interruption.
   */
  signal: AbortSignal;
  /** setup() data (already JSON-copied by the runtime for each VU). */
  data: unknown;
}

export type IterationOutcome =
  | { status: 'completed'; durationMs: number; bytesSent: number; bytesReceived: number }
  /** An exception in the script: the runtime has already logged it k6-style. */
  | { status: 'failed'; durationMs: number; bytesSent: number; bytesReceived: number; error: Error }
  /** Cut short by `signal`. Interrupted iterations do not count as complete. */
  | { status: 'interrupted'; durationMs: number; bytesSent: number; bytesReceived: number }
  /** `test.abort(reason)` was called: the scheduler stops the whole test (exit 108). */
  | { status: 'aborted'; durationMs: number; bytesSent: number; bytesReceived: number; reason: string };

/** One virtual user: its own module scope and instances, HTTP connections and cookie jar (a realm of its own, or one shared with the other VUs: docs/engine-runtime.md, Realms). */
export interface VU {
  /** 1-based within this instance (`__VU`); 0 for the setup/teardown VU. */
  readonly id: number;
  runIteration(ctx: IterationContext): Promise<IterationOutcome>;
  /** Closes connections and drops the VU's realm state. Idempotent. */
  dispose(): Promise<void>;
}

/** Calls of the lifecycle functions, made on the special VU 0. */
export interface LifecycleVU extends VU {
  /** Runs `setup()` (if exported); returns its JSON-copied result. Emits samples tagged group "::setup". */
  runSetup(ctx: Omit<IterationContext, 'exec' | 'data' | 'iteration' | 'vuIterationInInstance'>): Promise<unknown>;
  runTeardown(ctx: Omit<IterationContext, 'exec' | 'iteration' | 'vuIterationInInstance'>): Promise<void>;
  /** Runs `handleSummary(data)`; returns its map of destination -> content, or undefined if not exported. */
  runHandleSummary(data: unknown): Promise<Record<string, string> | undefined>;
}

/** The loaded script: compiled once, instantiated per VU. */
export interface ScriptRuntime {
  readonly exports: ScriptExports;
  newVU(id: number, opts: RuntimeOptions): Promise<VU>;
  newLifecycleVU(opts: RuntimeOptions): Promise<LifecycleVU>;
}

/** Errors the runtime throws to the scheduler. Scripts cannot catch these. */
export class ScriptLoadError extends Error {
  /** `file:line:col` where known. */
  constructor(message: string, readonly location?: string) {
    super(message);
    this.name = 'ScriptLoadError';
  }
}

/* ------------------------------------------------------------------------------------------
 * Between the runtime (runtime/) and the JS modules (modules/): what a module sees of its VU.
 * A module is a factory `(vu: VUState) => exports`, instantiated once per VU. Module
 * functions may return Promises: the source transform awaits the script's blocking calls, so the
 * script still sees k6's synchronous API (http.get returns a Response, sleep blocks).
 * ---------------------------------------------------------------------------------------- */

export interface VUState {
  readonly vuId: number;
  readonly options: RuntimeOptions;
  /** True while the init context runs (k6 forbids HTTP requests there). */
  readonly inInit: boolean;
  /** The running iteration, or null in init / setup / teardown (see `lifecycle`). */
  readonly iteration: IterationContext | null;
  /** 'setup' | 'teardown' while those run, else null. */
  readonly lifecycle: 'setup' | 'teardown' | 'handleSummary' | null;
  /** Current group path: '' at top level, '::a', '::a::b' nested ('::setup' during setup). */
  groupPath: string;
  /** Tags for a sample emitted now: test + scenario + `exec.vu.tags` + group. */
  currentTags(): Tags;
  /** Mutable per-VU tags (`exec.vu.tags`); also applied to samples. */
  readonly vuTags: Tags;
  /** Emits one sample through the sink, with `currentTags()` merged under `extraTags`. */
  emit(metric: string, value: number, extraTags?: Tags, time?: number): void;
  /** Accounts bytes to the running iteration (data_sent / data_received). */
  addBytes(sent: number, received: number): void;
  /** Aborts on hard stop; never aborts outside iterations. */
  readonly signal: AbortSignal;
  /** Seedable PRNG (`randomSeed`) used by the VU's Math.random too. */
  random(): number;
  /** Per-VU slot for module state (e.g. k6/http keeps its client and cookie jar here). */
  readonly slots: Map<string, unknown>;
}

export type ModuleFactory = (vu: VUState) => Record<string, unknown>;

/* ------------------------------------------------------------------------------------------
 * Between k6/http (modules/http) and the client (http/).
 * ---------------------------------------------------------------------------------------- */

export interface HttpTimings {
  /** all in ms, as k6's Response.timings */
  blocked: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
  /** sending + waiting + receiving */
  duration: number;
}

export interface HttpRequestSpec {
  method: string;
  url: string;
  /** Header names as given; a value list sends the header once per value. */
  headers: Record<string, string | string[]>;
  body?: Buffer | string;
  timeoutMs: number;
  signal: AbortSignal;
  /** The query sent as is (`?…`, UTF-8), instead of `url`'s percent-encoded one: k6 (Go) sends non-ASCII query characters raw. */
  rawQuery?: string;
}

export interface HttpResponseData {
  url: string;
  status: number;
  statusText: string;
  /** 'HTTP/1.1' */
  proto: string;
  /** Canonical header names (`Content-Type`), multiple values joined with ', ' */
  headers: Record<string, string>;
  /** Raw `Set-Cookie` lines, for the cookie jar. */
  setCookies: string[];
  body: Buffer;
  timings: HttpTimings;
  remoteIP: string;
  remotePort: number;
  bytesSent: number;
  bytesReceived: number;
  /** k6 error text and code (e.g. 1050 request timeout, 1211 dial timeout, 1212 connection refused, 1220 reset by peer) when the request failed (status 0). */
  error?: string;
  errorCode?: number;
  /** Go's full text of a network error (`dial tcp 127.0.0.1:1: connect: connection refused`), for k6's Request Failed warning and `throw`; `error` is k6's short form. */
  errorDetail?: string;
  /** k6's tls_version ('tls1.3', …) for https; undefined for plain http. */
  tlsVersion?: string;
}

/** Per-VU client: keeps its own keep-alive connections (k6 reuses connections per VU). */
export interface HttpClient {
  request(spec: HttpRequestSpec): Promise<HttpResponseData>;
  /** Drops idle keep-alive connections (k6 `noVUConnectionReuse`: between iterations). */
  closeIdle?(): void;
  close(): Promise<void>;
}
