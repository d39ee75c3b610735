/**
 * The durability contract, checkable from outside: after the queue drains, every sample the
 * gateway answered 202 was processed exactly once, and nothing was lost.
 *
 *   const r = await verifyAccounting('redis://127.0.0.1:6379');
 *   r.ok  // drained && missing === 0 && unexpected === 0 && accepted === processed
 *
 * Counts come from Redis, written atomically with each state change (see scripts.ts), so they
 * hold whichever gateway process or worker did the work, and across crashes.
 *
 * `accepted` counts ids whose write Redis acknowledged. A client may have seen fewer 202s than
 * that: when a write's reply was lost (timeout, cut connection) and every retry failed, the
 * gateway answered 503 although Redis had the record. The gateway counts those as
 * `ambiguous` in /status, so `client 202s <= accepted <= client 202s + ambiguous`.
 */
import type { Redis } from 'ioredis';
import { createToolRedis } from './redis';
import { DEFAULT_KEY_PREFIX, redisKeys } from './keys';

export interface AccountingReport {
  /** Distinct ids accepted (answered 202, or acknowledged by Redis). */
  accepted: number;
  /** Distinct ids processed. */
  processed: number;
  /** Redeliveries seen by a worker for an id already processed; suppressed (counted once). */
  duplicates: number;
  /** Accepted ids not processed (yet: check `drained`). */
  missing: number;
  /** Processed ids never accepted (only after a `/reset?drain=true` race). */
  unexpected: number;
  /** Records in the queue or in a processing list. */
  pending: number;
  /** Records without a readable id (dropped, counted). */
  unknown: number;
  drained: boolean;
  ok: boolean;
  /** Up to 10 missing ids, for the report. */
  missingSample: string[];
}

export interface AccountingOptions {
  /** REDIS_KEY_PREFIX of the target (default "telemetryhub:"). */
  prefix?: string;
}

export async function verifyAccounting(redisUrl: string, opts: AccountingOptions = {}): Promise<AccountingReport> {
  const redis = createToolRedis(redisUrl);
  try {
    return await readAccounting(redis, opts.prefix);
  } finally {
    redis.disconnect();
  }
}

export async function readAccounting(redis: Redis, prefix = DEFAULT_KEY_PREFIX): Promise<AccountingReport> {
  const k = redisKeys(prefix);
  const tmp = `${prefix}tmp:accounting:${process.pid}:${Math.random().toString(36).slice(2)}`;
  const counters = await redis.hgetall(k.counters);
  const accepted = await redis.scard(k.acceptedIds);
  const processed = await redis.scard(k.processedIds);
  const missing = await redis.sdiffstore(tmp, k.acceptedIds, k.processedIds);
  const missingSample = missing ? await redis.srandmember(tmp, 10) : [];
  const unexpected = await redis.sdiffstore(tmp, k.processedIds, k.acceptedIds);
  await redis.del(tmp);
  const pending = await pendingCount(redis, prefix);
  const duplicates = Number(counters.duplicates ?? 0);
  const drained = pending === 0;
  return {
    accepted,
    processed,
    duplicates,
    missing,
    unexpected,
    pending,
    unknown: Number(counters.unknown ?? 0),
    drained,
    ok: drained && missing === 0 && unexpected === 0 && accepted === processed,
    missingSample,
  };
}

/** Queue length plus every worker's processing list. */
export async function pendingCount(redis: Redis, prefix = DEFAULT_KEY_PREFIX): Promise<number> {
  const k = redisKeys(prefix);
  const workers = await redis.smembers(k.workers);
  const lens = await Promise.all([redis.llen(k.queue), ...workers.map((w) => redis.llen(k.processing(w)))]);
  return lens.reduce((a, b) => a + b, 0);
}

/** Polls until nothing is pending, then returns the report; after timeoutMs returns it anyway (drained: false). */
export async function waitForDrain(redisUrl: string, opts: AccountingOptions & { timeoutMs?: number; pollMs?: number } = {}): Promise<AccountingReport> {
  const redis = createToolRedis(redisUrl);
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  try {
    while ((await pendingCount(redis, opts.prefix)) > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
    }
    return await readAccounting(redis, opts.prefix);
  } finally {
    redis.disconnect();
  }
}

/** Deletes the queue and every accounting key (not the workers' processing lists). */
export async function resetAccounting(redis: Redis, prefix = DEFAULT_KEY_PREFIX): Promise<void> {
  const k = redisKeys(prefix);
  await redis.del(k.queue, k.counters, k.acceptedIds, k.processedIds, k.processingHist);
}
