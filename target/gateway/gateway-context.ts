/**
 * Everything one gateway process shares between its plugins: Redis (through the circuit
 * breaker and the QueueWriter), the process counters and metrics, and the control plane.
 * Built once per process before the HTTP app; the plugins receive it as `{ ctx }`.
 *
 * The breaker's behaviour (when it opens, how soon it probes) lives in circuit-breaker.ts and
 * its settings (BREAKER_FAILURE_THRESHOLD, BREAKER_OPEN_MS) in config.ts; this file only wires it.
 */
import type { Redis } from 'ioredis';
import { redisKeys, type RedisKeys } from '../shared/keys';
import type { Logger } from '../shared/logger';
import { createFailFastRedis } from '../shared/redis';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';
import type { GatewayConfig } from './config';
import { LocalControlPlane, type ControlCommand, type ControlPlane, type LocalControl } from './control-plane';
import type { RejectReason } from './errors';
import { createGatewayMetrics, type GatewayMetrics } from './metrics';
import { ProcessState } from './process-state';
import { QueueWriter } from './queue-writer';

export interface GatewayContext {
  readonly config: GatewayConfig;
  readonly log: Logger;
  readonly keys: RedisKeys;
  readonly redis: Redis;
  readonly metrics: GatewayMetrics;
  readonly state: ProcessState;
  readonly breaker: CircuitBreaker;
  readonly writer: QueueWriter;
  /** This process's side of the control plane (what /status, /start, /stop, /reset do here). */
  readonly local: LocalControl;
  readonly control: ControlPlane;
  /** Counts a rejection in /status and /metrics; `received` too when the handler never ran. */
  countRejected(reason: RejectReason, n: number, alsoReceived: boolean): void;
}

/** What each plugin is registered with. */
export interface GatewayPluginOptions {
  ctx: GatewayContext;
}

export interface GatewayContextDeps {
  logger: Logger;
  /** Builds the control plane (cluster mode passes ClusterControlPlane). */
  controlPlane?: (local: LocalControl) => ControlPlane;
  /** Called once with the process metrics registry (cluster mode registers it for aggregation). */
  onRegistry?: (registry: GatewayMetrics['registry']) => void;
}

export const BREAKER_GAUGE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export async function createGatewayContext(config: GatewayConfig, deps: GatewayContextDeps): Promise<GatewayContext> {
  const log = deps.logger;
  const keys = redisKeys(config.keyPrefix);
  const metrics = createGatewayMetrics();
  deps.onRegistry?.(metrics.registry);
  const state = new ProcessState(config.startIngesting);
  // No auto-pipelining: ingest writes are already grouped per event-loop turn (QueueWriter).
  const redis = createFailFastRedis(config.redisUrl, { commandTimeoutMs: config.redisCommandTimeoutMs, name: `gateway-${process.pid}`, autoPipelining: false });
  const breaker = new CircuitBreaker({
    failureThreshold: config.breakerFailureThreshold,
    openMs: config.breakerOpenMs,
    onStateChange: (from, to) => {
      metrics.breakerState.set(BREAKER_GAUGE[to]);
      if (to === 'open') metrics.breakerTrips.inc();
      log.warn({ from, to }, `circuit breaker ${to}`);
    },
  });
  // Give Redis a moment so the first requests do not fail on a connection still opening; start
  // anyway when it is down (readiness reports it, writes answer 503).
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 2000);
    redis.once('ready', () => (clearTimeout(t), resolve()));
  });
  const writer = new QueueWriter(redis, keys, breaker, {
    capacity: config.queueCapacity,
    rateLimitPerDevice: config.rateLimitPerDevice,
    retryDeadlineMs: config.redisRetryDeadlineMs,
    retryBackoffMs: config.redisRetryBackoffMs,
    onRetry: () => metrics.redisRetries.inc(),
    onRedisError: () => state.noteError('redis'),
  });

  const countRejected = (reason: RejectReason, n: number, alsoReceived: boolean) => {
    if (alsoReceived) {
      state.samples.received += n;
      metrics.received.inc(n);
    }
    state.reject(reason, n);
    metrics.rejected.inc({ reason }, n);
  };

  const local: LocalControl = {
    snapshot: () => state.snapshot({ state: breaker.state, trips: breaker.trips }),
    apply: (cmd: ControlCommand) => {
      if (cmd.op === 'start') state.ingesting = true;
      else if (cmd.op === 'stop') state.ingesting = false;
      else {
        state.resetCounters();
        metrics.registry.resetMetrics();
        metrics.breakerState.set(BREAKER_GAUGE[breaker.state]);
      }
      log.info({ op: cmd.op }, `control: ${cmd.op}`);
    },
    metrics: () => metrics.registry.metrics(),
  };
  const control = (deps.controlPlane ?? ((l) => new LocalControlPlane(l)))(local);
  return { config, log, keys, redis, metrics, state, breaker, writer, local, control, countRejected };
}
