import os from 'node:os';
import { EnvReader, type Env } from '../shared/env';
import { DEFAULT_KEY_PREFIX } from '../shared/keys';

/** Every setting of the worker; docs/target.md documents each variable. */
export interface WorkerConfig {
  redisUrl: string;
  keyPrefix: string;
  /** Names this worker's processing list; unique per live worker. */
  workerId: string;
  processingDelayMs: number;
  batchSize: number;
  blockTimeoutMs: number;
  heartbeatTtlMs: number;
  recoverIntervalMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  shutdownTimeoutMs: number;
  /** How long to wait for Redis at start. */
  startTimeoutMs: number;
}

export function loadWorkerConfig(env: Env): WorkerConfig {
  const r = new EnvReader(env);
  const cfg: WorkerConfig = {
    redisUrl: r.redisUrl('REDIS_URL', 'redis://127.0.0.1:6379'),
    keyPrefix: r.string('REDIS_KEY_PREFIX', DEFAULT_KEY_PREFIX),
    workerId: r.string('WORKER_ID', `${os.hostname()}-${process.pid}`),
    processingDelayMs: r.int('WORKER_PROCESSING_DELAY_MS', 0, 0, 60_000),
    batchSize: r.int('WORKER_BATCH_SIZE', 100, 1, 10_000),
    blockTimeoutMs: r.int('WORKER_BLOCK_TIMEOUT_MS', 1000, 10, 60_000),
    heartbeatTtlMs: r.int('WORKER_HEARTBEAT_TTL_MS', 5000, 100, 600_000),
    recoverIntervalMs: r.int('WORKER_RECOVER_INTERVAL_MS', 5000, 100, 600_000),
    logLevel: r.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    shutdownTimeoutMs: r.int('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    startTimeoutMs: r.int('WORKER_START_TIMEOUT_MS', 30_000, 100, 3_600_000),
  };
  r.check(/^[\w.:-]{1,128}$/.test(cfg.workerId), `WORKER_ID: 1..128 chars of [A-Za-z0-9_.:-], got "${cfg.workerId}"`);
  r.done('worker');
  return cfg;
}
