import { Redis, type RedisOptions } from 'ioredis';

export interface FailFastRedisOptions {
  /** Per-command timeout; a command with no reply by then rejects (default 500 ms). */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Name shown by CLIENT LIST. */
  name?: string;
  /** Send commands issued in the same event-loop tick as one pipeline (throughput under concurrency). */
  autoPipelining?: boolean;
}

/**
 * Longest pause between reconnect attempts while Redis is unreachable: how late, at most, the
 * gateway notices Redis is back (its breaker probes on reconnect). One refused connect per
 * process per half second costs nothing; a 1 s cap added up to a second to every recovery.
 */
export const RECONNECT_MAX_DELAY_MS = 500;

/**
 * An ioredis client that fails fast while Redis is unreachable instead of queueing commands
 * forever: no offline queue, no per-request retries, a command timeout. It keeps reconnecting in
 * the background (backoff capped at RECONNECT_MAX_DELAY_MS), so callers decide about retries
 * (bounded, behind a breaker) and learn of Redis coming back from the client's `ready` event.
 */
export function createFailFastRedis(url: string, opts: FailFastRedisOptions = {}): Redis {
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: opts.commandTimeoutMs ?? 500,
    connectTimeout: opts.connectTimeoutMs ?? 1000,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 5), RECONNECT_MAX_DELAY_MS),
    enableReadyCheck: true,
    lazyConnect: false,
    connectionName: opts.name,
    enableAutoPipelining: opts.autoPipelining ?? false,
  };
  const redis = new Redis(url, options);
  // Connection errors are expected during faults; callers see them per command.
  redis.on('error', () => {});
  return redis;
}

/** A plain client for tools (accounting, tests): queues while connecting, one attempt per command. */
export function createToolRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: (t) => (t > 10 ? null : 100) });
  redis.on('error', () => {});
  return redis;
}
