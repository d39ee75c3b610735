/** One Prometheus series of a scrape: counters, gauges and untyped as `value`; histograms and summaries as `count` and `sum`. */
export interface PromPoint {
  name: string;
  labels: Record<string, string>;
  fields: Record<string, number>;
}

/**
 * One scrape of the bundled target (harness/target-sampling's TargetSampler): everything the
 * gateway's `/metrics` said, and Redis INFO fields plus the queue's length read from Redis
 * directly. A side that did not answer (the target may be the fault) is absent.
 */
export interface TargetScrape {
  /** Epoch ms of the scrape. */
  at: number;
  gateway?: PromPoint[];
  redis?: Record<string, number>;
}

/**
 * One line of a run directory's `target.ndjson` (`target.ndjson.gz` once the run is over): the
 * part of a scrape the report charts, small enough for one line a second.
 *
 *   {"t":1764482400000,"g":[{"n":"telemetryhub_queue_size","v":12},
 *     {"n":"telemetryhub_samples_rejected_total","l":{"reason":"rate_limited"},"v":3}, ...],
 *    "r":{"used_memory":1234567,"instantaneous_ops_per_sec":812,"queue_length":12}}
 */
export interface TargetRecord {
  /** Epoch ms of the scrape. */
  t: number;
  /** Gateway series (`n` name, `l` labels when any, `v` value; histograms as `<name>_count` / `<name>_sum`). */
  g?: Array<{ n: string; l?: Record<string, string>; v: number }>;
  /** Redis INFO fields and `queue_length`. */
  r?: Record<string, number>;
}
