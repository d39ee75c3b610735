/**
 * Runtimes bring the bundled target up and down. Topology in `docker` and `local`:
 *
 *   load generator ──▶ toxiproxy[gateway] ──▶ gateway ──▶ toxiproxy[redis] ──▶ redis ◀── worker
 *
 * so faults act on both links (client->gateway and gateway->Redis). `external` is only a URL.
 * Type-state: `Runtime.start()` resolves to a `StartedTargetStack`; only that exposes URLs and
 * `stop()`. Everything started is labelled / named with the run id so `harness reap` can sweep it.
 */
import type { PidFile } from '../run-record';

export type RuntimeName = 'docker' | 'local' | 'external';
export type Component = 'gateway' | 'worker' | 'redis' | 'toxiproxy';

export interface RuntimeStartOptions {
  runId: string;
  /** `reports/runs/<run-id>/`: logs go to `<runDir>/logs/<component>.log`. */
  runDir: string;
  /** Project root (where target/ and compose.yml live). */
  cwd: string;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** For `external`. */
  targetUrl?: string;
  /** Extra environment for the gateway (e.g. TARGET_INJECT_DELAY_MS). */
  gatewayEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
  /** Whether to put Toxiproxy in front of the gateway and Redis (default true). */
  toxiproxy?: boolean;
  /**
   * The run's `pids.json` (processes, ports, proxies, container and network ids) that
   * `harness reap` and the watchdog read after a crash. Runtimes record everything they start
   * in it; when absent they create their own at `<runDir>/pids.json`.
   */
  pidFile?: PidFile;
  /** The run's seed: seeds the built-in Toxiproxy server's RNG so faults replay for a seed. */
  seed?: number;
}

export interface Availability {
  ok: boolean;
  /** Why not, with what to do about it. */
  reason?: string;
  version?: string;
}

export interface Runtime {
  readonly name: RuntimeName;
  available(opts: Pick<RuntimeStartOptions, 'env' | 'cwd'>): Promise<Availability>;
  start(opts: RuntimeStartOptions): Promise<StartedTargetStack>;
}

export interface ToxiproxyEndpoints {
  /** Toxiproxy HTTP API, e.g. http://127.0.0.1:8474 */
  apiUrl: string;
  /** Proxy names on that server for each link. */
  proxies: { gateway: string; redis: string };
}

export interface StartedTargetStack extends AsyncDisposable {
  readonly runtime: RuntimeName;
  readonly runId: string;
  /** What the load generator calls (through the gateway proxy when Toxiproxy is on). */
  readonly targetUrl: string;
  /** The gateway directly, bypassing Toxiproxy (for probes and verifications). */
  readonly gatewayUrl: string;
  /** Redis directly (for data-loss accounting), undefined for `external`. */
  readonly redisUrl?: string;
  readonly toxiproxy?: ToxiproxyEndpoints;
  /** Process faults for chaos experiments; `external` throws. */
  kill(component: Component, signal?: NodeJS.Signals): Promise<void>;
  restart(component: Component): Promise<void>;
  /** Tears everything down in reverse order. Idempotent; keeps going past failures. */
  stop(): Promise<void>;
}
