/**
 * What chaos needs from the rest of the project, declared here and implemented elsewhere
 * (dependency inversion: chaos imports neither the target nor the harness's engines):
 *
 *   ChaosTarget       <- harness/runtimes StartedTargetStack (structurally)
 *   TargetAccounting  <- harness/run redisAccounting() over target/shared/accounting
 *   LoadEngine        <- harness/run EngineStep (the run session's engine step)
 *
 * The harness wires the real implementations in (harness/commands/chaos).
 */

/** A process of the target stack that a fault may kill or restart. */
export type Component = 'gateway' | 'worker' | 'redis' | 'toxiproxy';

export interface ToxiproxyEndpoints {
  /** Toxiproxy HTTP API, e.g. http://127.0.0.1:8474 */
  apiUrl: string;
  /** Proxy names on that server for each link. */
  proxies: { gateway: string; redis: string };
}

/** The started target an experiment acts on. */
export interface ChaosTarget {
  readonly runtime: string;
  readonly runId: string;
  /** What the load calls (through the gateway proxy, so client->gateway faults act on it). */
  readonly targetUrl: string;
  /** The gateway directly, bypassing Toxiproxy (probes). */
  readonly gatewayUrl: string;
  readonly redisUrl?: string;
  /** Absent: no network faults possible. */
  readonly toxiproxy?: ToxiproxyEndpoints;
  kill(component: Component, signal?: NodeJS.Signals): Promise<void>;
  restart(component: Component): Promise<void>;
}

/** The target's durability accounting (after the queue drains: accepted == processed). */
export interface AccountingReport {
  accepted: number;
  processed: number;
  duplicates: number;
  /** Accepted ids not processed. */
  missing: number;
  /** Processed ids never accepted. */
  unexpected: number;
  /** Records in the queue or in a processing list. */
  pending: number;
  unknown: number;
  drained: boolean;
  ok: boolean;
  /** Up to 10 missing ids. */
  missingSample: string[];
}

/** Reads the target's accounting; every call bounded in time by the implementation. */
export interface TargetAccounting {
  /** Records in the queue or being processed. */
  pendingCount(): Promise<number>;
  /** Polls until nothing is pending (at most `timeoutMs`), then reports (`drained: false` on timeout). */
  waitForDrain(opts: { timeoutMs: number }): Promise<AccountingReport>;
  /** Of these ids, how many the target never processed. */
  countUnprocessed(ids: readonly string[]): Promise<number>;
}

/** One run of the background load's engine. */
export interface LoadEngineRequest {
  args: {
    overrideVia?: 'env' | 'flags';
    /** `--env` for the script. */
    env?: Record<string, string>;
    tags?: Record<string, string>;
    extraArgs?: string[];
  };
  signal: AbortSignal;
  /** SIGKILL this long after the abort's SIGINT. */
  killTimeoutMs?: number;
  /** Every progress line of the engine (k6's `running (00m01.0s), ...`). */
  onProgress?: (p: { elapsedMs: number }) => void;
}

/**
 * An engine that runs the experiment's compiled scenario and writes its k6 JSON stream to
 * `samplesFile`: the run session's engine step (pid tracking, live stats, run-dir paths).
 */
export interface LoadEngine {
  readonly name: string;
  readonly samplesFile: string;
  run(req: LoadEngineRequest): Promise<{ exitCode: number; interrupted?: boolean; killedBy?: NodeJS.Signals }>;
}

/** Which Toxiproxy proxy a fault acts on (see the runtime topology). */
export type LinkName = 'client->gateway' | 'gateway->redis';
export type ToxicTypeName = 'latency' | 'bandwidth' | 'slow_close' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data';

export interface ToxicSpec {
  type: ToxicTypeName;
  attributes: Record<string, number>;
  /** Default downstream, as Toxiproxy. */
  stream?: 'upstream' | 'downstream';
  /** Share of connections affected (rolled per connection by the server's seeded RNG). Default 1. */
  toxicity?: number;
}

interface StepTiming {
  /** Offset from the start of the experiment (`5s`); scaled by `--duration`. */
  at: string;
  /** Random ± offset on `at`, drawn from the experiment's seeded RNG (schedules replay per seed). */
  jitter?: string;
  /** Names the phase: samples in it are tagged `phase=fault:<name>`. */
  name?: string;
}

/** A network fault on a link for `duration`. */
export interface NetworkFaultStep extends StepTiming {
  duration: string;
  link: LinkName;
  /** A toxic, or a partition (the proxy disabled: listener closed, connections dropped). */
  toxic: ToxicSpec | { partition: true };
}

/** A process fault: `kill` (restarted after `duration` if given) or `restart`. */
export interface ProcessFaultStep extends StepTiming {
  action: 'kill' | 'restart';
  component: Extract<Component, 'worker' | 'gateway'>;
  duration?: string;
}

export type MethodStep = NetworkFaultStep | ProcessFaultStep;

/** A steady-state probe, checked before, continuously during, and after the method. */
export type Probe =
  | { name: string; kind: 'http'; /** Path on the gateway, bypassing Toxiproxy. */ path: string; expectStatus?: number; timeout?: string }
  | { name: string; kind: 'queue-depth'; max: number };

export interface Hypothesis {
  /**
   * k6-style thresholds over the background load's samples, optionally scoped to a phase with a
   * sub-metric selector: `{ 'http_req_failed{phase:baseline}': ['rate<0.01'], http_req_duration: ['p(95)<2000'] }`.
   * Metrics: http_req_duration (ms), http_req_failed (rate), http_reqs (count), accepted (rate of 202).
   */
  thresholds?: Record<string, string[]>;
  probes?: Probe[];
  /** The error-rate SLO used for recovery time (default 0.05). */
  errorRateSlo?: number;
}

export interface Verifications {
  /** After the queue drains: every 202 processed exactly once, accepted == processed. */
  noDataLoss?: boolean;
  /** Error rate back within the SLO at most this long after each fault ends. */
  recoveryWithin?: string;
}

export interface LoadSpec {
  /** Requests per second of the built-in background load (default 20). */
  rate?: number;
  /** Concurrent requests at most (default 10). */
  maxInFlight?: number;
  /** Per-request timeout (default 5s): hangs count as failures. */
  timeout?: string;
}

export interface ExperimentDefinition {
  name: string;
  description: string;
  /** The background scenario (by name, e.g. `steady`); see docs/chaos.md for how load is driven. */
  scenario: string;
  /** Total length of the experiment at scale 1 (`--duration` rescales everything to fit). */
  duration: string;
  load?: LoadSpec;
  hypothesis: Hypothesis;
  method: MethodStep[];
  /** Extra rollback actions, always run after the built-in one (all toxics removed, proxies re-enabled). */
  rollbacks?: Array<'restart-worker' | 'restart-gateway'>;
  verify: Verifications;
}

export function isNetworkFault(s: MethodStep): s is NetworkFaultStep {
  return 'link' in s;
}
