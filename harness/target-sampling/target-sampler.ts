import { Redis } from 'ioredis';
import { redisKeys } from '../../target/shared/keys';
import { TARGET_REDIS_FIELDS, type TargetScrape } from '../../vocabulary';
import { prometheusPoints } from './prometheus-points';

/** Where the target under load answers (the run session's started stack). */
export interface TargetEndpoints {
  /** The gateway directly (not through Toxiproxy): its `/metrics` is sampled. */
  gatewayUrl: string;
  /** Redis directly, for INFO (memory, ops/s, clients) and the queue's length. */
  redisUrl?: string;
}

/** What consumers of the target's side get: every scrape, as it happens. */
export interface TargetFeed {
  /** `fn` gets every scrape from now on (never concurrently); returns the unsubscribe. */
  subscribe(fn: (s: TargetScrape) => void): () => void;
}

/**
 * The target's side of a run, one scrape a second: the gateway's Prometheus `/metrics` (queue
 * size, received / accepted / rejected by reason / processed, breaker state, ...) and Redis
 * `INFO` plus `LLEN` of the queue, straight from Redis (so the queue is seen while the gateway
 * is the fault). One per run (the run session starts it with the engine); subscribers are the
 * run directory's `target.ndjson` and outputs such as InfluxDB. A side that fails to answer is
 * left out of that scrape (the target may be the fault); a scrape where neither answered is
 * counted as a failure and reaches no subscriber.
 */
export class TargetSampler implements TargetFeed {
  #timer: NodeJS.Timeout | undefined;
  #redis: Redis | undefined;
  #inflight: Promise<unknown> = Promise.resolve();
  readonly #subscribers = new Set<(s: TargetScrape) => void>();
  readonly #queueKey = redisKeys().queue;
  /** Scrapes that produced something, and sides that failed. */
  readonly counts = { scrapes: 0, failures: 0 };

  constructor(
    private readonly target: TargetEndpoints,
    private readonly o: { intervalMs?: number; timeoutMs?: number } = {},
  ) {
    if (target.redisUrl) {
      this.#redis = new Redis(target.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1000, retryStrategy: () => 1000 });
      this.#redis.on('error', () => {}); // a Redis fault is what chaos runs inject
    }
  }

  subscribe(fn: (s: TargetScrape) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  start(): this {
    if (this.#timer) return this;
    void this.#redis?.connect().catch(() => {});
    let busy = false;
    const tick = () => {
      if (busy) return; // one scrape at a time: a slow target skips a tick instead of piling requests on it
      busy = true;
      this.#inflight = this.sampleOnce().finally(() => (busy = false));
    };
    tick();
    this.#timer = setInterval(tick, this.o.intervalMs ?? 1000);
    this.#timer.unref();
    return this;
  }

  /** One scrape of both sides, handed to every subscriber; undefined when neither answered. */
  async sampleOnce(now = Date.now()): Promise<TargetScrape | undefined> {
    const [gateway, redis] = await Promise.all([this.#gateway().catch(() => null), this.#redisInfo().catch(() => null)]);
    if (gateway === null || redis === null) this.counts.failures++;
    if (!gateway && !redis) return undefined;
    this.counts.scrapes++;
    const s: TargetScrape = { at: now, ...(gateway ? { gateway } : {}), ...(redis ? { redis } : {}) };
    for (const fn of this.#subscribers) {
      try {
        fn(s);
      } catch {
        // a subscriber's problem is its own; the others still get the scrape
      }
    }
    return s;
  }

  async #gateway() {
    const res = await fetch(new URL('/metrics', this.target.gatewayUrl), { signal: AbortSignal.timeout(this.o.timeoutMs ?? 900) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return prometheusPoints(await res.text());
  }

  /** undefined: no Redis to read (not a failure); throws when it does not answer. */
  async #redisInfo(): Promise<Record<string, number> | undefined> {
    if (!this.#redis) return undefined;
    if (this.#redis.status !== 'ready') throw new Error(`redis ${this.#redis.status}`);
    const [info, queue] = await Promise.all([this.#redis.info(), this.#redis.llen(this.#queueKey)]);
    const values = new Map(info.split('\r\n').map((l) => l.split(':') as [string, string]));
    const out: Record<string, number> = { queue_length: queue };
    for (const k of TARGET_REDIS_FIELDS) if (values.has(k)) out[k] = Number(values.get(k));
    return out;
  }

  /** Stops sampling (after the scrape in flight); subscribers get nothing more. Idempotent. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#inflight.catch(() => {});
    this.#subscribers.clear();
    this.#redis?.disconnect();
    this.#redis = undefined;
  }
}
