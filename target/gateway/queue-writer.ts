/**
 * Writes accepted samples to the Redis queue: one atomic script per request (capacity check,
 * rate limit, idempotent push, accepted counter), retried with backoff within a deadline,
 * every attempt through the circuit breaker.
 */
import type { Redis } from 'ioredis';
import { defineScripts, type TargetScripts } from '../shared/scripts';
import type { RedisKeys } from '../shared/keys';
import { BreakerOpenError, type CircuitBreaker } from './circuit-breaker';

export interface QueuedRecord {
  id: string;
  device_id: string;
  /** The JSON string pushed to the queue. */
  raw: string;
}

export type WriteOutcome =
  | { kind: 'accepted'; queueLength: number }
  | { kind: 'queue-full'; queueLength: number }
  | { kind: 'rate-limited' }
  /** Redis failed until the deadline; `ambiguous` when a write may have landed (reply lost). */
  | { kind: 'unavailable'; retryAfterMs: number; ambiguous: boolean; error: string }
  | { kind: 'breaker-open'; retryAfterMs: number };

export interface QueueWriterOptions {
  capacity: number;
  rateLimitPerDevice: number;
  retryDeadlineMs: number;
  retryBackoffMs: number;
  onRetry?: () => void;
  onRedisError?: (e: Error) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ioredis rejects with this before sending anything when the connection is down. */
const notSent = (e: Error) => /Stream isn't writeable|enableOfflineQueue/.test(e.message);

export class QueueWriter {
  readonly #scripts: TargetScripts;
  /** Last queue length seen (from a write or a readiness probe). */
  lastQueueLength = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly breaker: CircuitBreaker,
    private readonly opts: QueueWriterOptions,
  ) {
    this.#scripts = defineScripts(redis);
  }

  async write(records: QueuedRecord[]): Promise<WriteOutcome> {
    const args: (string | number)[] = [this.opts.capacity, records.length];
    for (const r of records) args.push(r.id, r.raw);
    args.push(this.opts.rateLimitPerDevice);
    if (this.opts.rateLimitPerDevice > 0) {
      const second = Math.floor(Date.now() / 1000);
      const perDevice = new Map<string, number>();
      for (const r of records) perDevice.set(r.device_id, (perDevice.get(r.device_id) ?? 0) + 1);
      args.push(perDevice.size);
      for (const [d, n] of perDevice) args.push(this.keys.rate(d, second), n);
    } else {
      args.push(0);
    }

    const deadline = Date.now() + this.opts.retryDeadlineMs;
    let backoff = this.opts.retryBackoffMs;
    let ambiguous = false;
    let lastError = '';
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.opts.onRetry?.();
      try {
        const [status, len] = await this.breaker.exec(() => this.#scripts.accept([this.keys.queue, this.keys.counters, this.keys.acceptedIds], args));
        this.lastQueueLength = Number(len);
        if (status === 1) return { kind: 'accepted', queueLength: Number(len) };
        if (status === 0) return { kind: 'queue-full', queueLength: Number(len) };
        return { kind: 'rate-limited' };
      } catch (e) {
        if (e instanceof BreakerOpenError) {
          // Opened by this request's own failures: still an outage that outlived the retries.
          if (attempt > 0) return { kind: 'unavailable', retryAfterMs: e.retryAfterMs, ambiguous, error: lastError };
          return { kind: 'breaker-open', retryAfterMs: e.retryAfterMs };
        }
        const err = e instanceof Error ? e : new Error(String(e));
        this.opts.onRedisError?.(err);
        lastError = err.message;
        if (!notSent(err)) ambiguous = true;
      }
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'unavailable', retryAfterMs: 1000, ambiguous, error: lastError };
      await sleep(Math.min(backoff, left));
      backoff = Math.min(backoff * 2, 1000);
    }
  }
}
