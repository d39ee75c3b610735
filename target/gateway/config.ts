import os from 'node:os';
import { EnvReader, type Env } from '../shared/env';
import { DEFAULT_KEY_PREFIX } from '../shared/keys';

/** Every setting of the gateway; docs/target.md documents each variable. */
export interface GatewayConfig {
  port: number;
  host: string;
  redisUrl: string;
  keyPrefix: string;
  /** Cluster size; 1 runs in-process without cluster. */
  workers: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Added delay per /telemetry request (regression-gate experiments). */
  injectDelayMs: number;
  bodyLimitBytes: number;
  batchMax: number;
  queueCapacity: number;
  queueHighWater: number;
  queueRetryAfterS: number;
  /** Bounded retry of a Redis write: total budget, first backoff. */
  redisRetryDeadlineMs: number;
  redisRetryBackoffMs: number;
  redisCommandTimeoutMs: number;
  breakerFailureThreshold: number;
  breakerOpenMs: number;
  apiKey?: string;
  /** Samples per device per second; 0 = off. */
  rateLimitPerDevice: number;
  shutdownTimeoutMs: number;
  /** Whether ingestion starts running (POST /start, /stop toggle it). */
  startIngesting: boolean;
  version: string;
  /** Test-only introspection routes (GET /debug/prototypes); never in production. */
  debugEndpoints: boolean;
}

/**
 * Default gateway processes: the cores minus one, at least 1. The gateway never runs alone:
 * redis-server (one thread, ~11 µs per sample, nearly all in the accept and complete scripts)
 * and the worker (~5 µs) need a good share of what the gateway needs (~40 µs), and a load
 * generator usually shares the machine too. On 2 cores a second gateway process only competes
 * with them for the same cores and costs CPU of its own (a second event loop, the cluster
 * primary, half-size groups per Redis call): measured 52 vs 41 µs per request for the gateway
 * and 13 vs 11 µs for Redis with 2 processes vs 1 (docs/target.md, Performance). From 3 cores
 * on, the gateway gets all but one of them.
 */
export function defaultWorkers(cores = os.availableParallelism?.() ?? os.cpus().length): number {
  return Math.max(1, cores - 1);
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadGatewayConfig(env: Env): GatewayConfig {
  const r = new EnvReader(env);
  const queueCapacity = r.int('QUEUE_CAPACITY', 100_000, 1);
  const cfg: GatewayConfig = {
    port: r.int('PORT', 8080, 0, 65535),
    host: r.string('HOST', '127.0.0.1'),
    redisUrl: r.redisUrl('REDIS_URL', 'redis://127.0.0.1:6379'),
    keyPrefix: r.string('REDIS_KEY_PREFIX', DEFAULT_KEY_PREFIX),
    workers: r.int('WORKERS', defaultWorkers(), 1, 64),
    logLevel: r.oneOf('LOG_LEVEL', 'info', LEVELS),
    injectDelayMs: r.int('TARGET_INJECT_DELAY_MS', 0, 0, 60_000),
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 1_048_576, 64, 64 * 1_048_576),
    batchMax: r.int('BATCH_MAX', 1000, 1, 100_000),
    queueCapacity,
    queueHighWater: r.int('QUEUE_HIGH_WATER', Math.max(1, Math.floor(queueCapacity * 0.8)), 1),
    queueRetryAfterS: r.int('QUEUE_RETRY_AFTER_S', 1, 1, 3600),
    redisRetryDeadlineMs: r.int('REDIS_RETRY_DEADLINE_MS', 2000, 0, 60_000),
    redisRetryBackoffMs: r.int('REDIS_RETRY_BACKOFF_MS', 50, 1, 10_000),
    redisCommandTimeoutMs: r.int('REDIS_COMMAND_TIMEOUT_MS', 500, 10, 60_000),
    breakerFailureThreshold: r.int('BREAKER_FAILURE_THRESHOLD', 5, 1, 10_000),
    breakerOpenMs: r.int('BREAKER_OPEN_MS', 2000, 10, 600_000),
    apiKey: r.optionalString('API_KEY'),
    rateLimitPerDevice: r.int('RATE_LIMIT_PER_DEVICE', 0, 0),
    shutdownTimeoutMs: r.int('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    startIngesting: r.bool('INGEST_START', true),
    version: r.string('TARGET_VERSION', '0.1.0'),
    debugEndpoints: r.bool('TARGET_DEBUG_ENDPOINTS', false),
  };
  r.check(cfg.queueHighWater <= cfg.queueCapacity, `QUEUE_HIGH_WATER: must be <= QUEUE_CAPACITY (${cfg.queueCapacity}), got ${cfg.queueHighWater}`);
  r.done('gateway');
  return cfg;
}
