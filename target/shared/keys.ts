/**
 * Every Redis key the target uses, derived from one prefix (REDIS_KEY_PREFIX, default
 * "telemetryhub:") so several targets can share a Redis and `harness` can find them.
 *
 *   gateway ──LPUSH──▶ queue ──BLMOVE──▶ processing:<worker-id> ──(processed)──▶ LREM
 *                      accepted-ids (SET)                         processed-ids (SET)
 *                      counters (HASH: accepted, processed, duplicates, unknown)
 */
export const DEFAULT_KEY_PREFIX = 'telemetryhub:';

export interface RedisKeys {
  prefix: string;
  /** LIST of JSON records; the gateway pushes on the left, workers take from the right. */
  queue: string;
  /** HASH of authoritative counters: accepted, processed, duplicates, unknown. */
  counters: string;
  /** SET of ids answered 202 (the gateway adds them in the same script as the push). */
  acceptedIds: string;
  /** SET of ids processed at least once. */
  processedIds: string;
  /** HASH: processing-duration histogram buckets (le -> count), plus sum and count. */
  processingHist: string;
  /** SET of worker ids that have ever run (to find dead workers' processing lists). */
  workers: string;
  processing(workerId: string): string;
  /** Heartbeat key with a TTL; absent means the worker is dead. */
  alive(workerId: string): string;
  /** Per-device fixed one-second window for the rate limit. */
  rate(deviceId: string, second: number): string;
}

export function redisKeys(prefix = DEFAULT_KEY_PREFIX): RedisKeys {
  return {
    prefix,
    queue: `${prefix}queue`,
    counters: `${prefix}counters`,
    acceptedIds: `${prefix}accepted-ids`,
    processedIds: `${prefix}processed-ids`,
    processingHist: `${prefix}processing-hist`,
    workers: `${prefix}workers`,
    processing: (id) => `${prefix}processing:${id}`,
    alive: (id) => `${prefix}alive:${id}`,
    rate: (d, s) => `${prefix}rate:${d}:${s}`,
  };
}

/** Buckets (seconds) of the processing-duration histogram, shared by worker and gateway. */
export const PROCESSING_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Non-cumulative bucket label for a duration (the gateway accumulates when it exports). */
export function bucketLabel(seconds: number): string {
  for (const b of PROCESSING_BUCKETS) if (seconds <= b) return String(b);
  return '+Inf';
}
