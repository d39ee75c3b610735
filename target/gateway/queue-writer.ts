/**
 * Writes accepted samples to the Redis queue: one atomic script decides each request (capacity
 * check, rate limit, idempotent push, accepted counter), retried with backoff within a deadline,
 * every attempt through the circuit breaker (which the client's reconnect lets probe at once).
 *
 * Group commit: the attempts of all requests that reach this point in the same event-loop turn
 * go to Redis as ONE script call (each request still decided on its own, in order, all or
 * nothing). Every request is answered from that call's reply, i.e. only after Redis executed its
 * write; if the call fails, each request sees the failure and retries on its own. This saves a
 * command round of work per request in Redis and in the client.
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

interface Pending {
  args: (string | number)[];
  resolve: (v: [number, number]) => void;
  reject: (e: Error) => void;
}
/** Flush a group early at this many requests or script arguments (bounds one call's size). */
const MAX_GROUP_REQUESTS = 256;
const MAX_GROUP_ARGS = 20_000;

/** ioredis rejects with this before sending anything when the connection is down. */
const notSent = (e: Error) => /Stream isn't writeable|enableOfflineQueue/.test(e.message);

export class QueueWriter {
  readonly #scripts: TargetScripts;
  /** Last queue length seen (from a write or a readiness probe). */
  lastQueueLength = 0;
  #group: Pending[] = [];
  #groupArgs = 0;
  #flushScheduled = false;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
    private readonly breaker: CircuitBreaker,
    private readonly opts: QueueWriterOptions,
  ) {
    this.#scripts = defineScripts(redis);
    // The client reconnected (it retries in the background, see createFailFastRedis): probe now
    // rather than when the breaker's timer says, so a short Redis outage ends when Redis is back.
    redis.on('ready', () => breaker.probeNow());
  }

  /** One attempt of one request, sent with the others of this event-loop turn. */
  #attempt(args: (string | number)[]): Promise<[number, number]> {
    return new Promise((resolve, reject) => {
      this.#group.push({ args, resolve, reject });
      this.#groupArgs += args.length;
      if (this.#group.length >= MAX_GROUP_REQUESTS || this.#groupArgs >= MAX_GROUP_ARGS) this.#flush();
      else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // After the I/O callbacks of this turn: every request parsed in it joins the group.
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    const group = this.#group;
    if (!group.length) return;
    this.#group = [];
    this.#groupArgs = 0;
    // Capacity and rate limit are this process's settings: sent once per call, not per request.
    const flat: (string | number)[] = [group.length, this.opts.capacity, this.opts.rateLimitPerDevice];
    for (const p of group) for (const a of p.args) flat.push(a);
    this.#scripts.accept([this.keys.queue, this.keys.counters, this.keys.acceptedIds], flat).then(
      (res) => {
        for (let i = 0; i < group.length; i++) group[i].resolve([Number(res[2 * i]), Number(res[2 * i + 1])]);
      },
      (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        for (const p of group) p.reject(err);
      },
    );
  }

  async write(records: QueuedRecord[]): Promise<WriteOutcome> {
    // This request's part of the accept script's ARGV (see ACCEPT in shared/scripts.ts).
    const args: (string | number)[] = [records.length];
    for (const r of records) args.push(r.id, r.raw);
    if (this.opts.rateLimitPerDevice > 0) {
      const second = Math.floor(Date.now() / 1000);
      const perDevice = new Map<string, number>();
      for (const r of records) perDevice.set(r.device_id, (perDevice.get(r.device_id) ?? 0) + 1);
      args.push(perDevice.size);
      for (const [d, n] of perDevice) args.push(this.keys.rate(d, second), n);
    }

    const deadline = Date.now() + this.opts.retryDeadlineMs;
    let backoff = this.opts.retryBackoffMs;
    let ambiguous = false;
    let lastError = '';
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.opts.onRetry?.();
      try {
        const [status, len] = await this.breaker.exec(() => this.#attempt(args));
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
