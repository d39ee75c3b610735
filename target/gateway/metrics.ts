/**
 * Prometheus metrics of one gateway process (own Registry, so several gateways can run in one
 * test process). Cluster mode aggregates them with prom-client's AggregatorRegistry; metrics
 * read from Redis (queue, processed, processing duration) are appended once by whoever answers.
 */
import type { Redis } from 'ioredis';
import client from 'prom-client';
import { PROCESSING_BUCKETS, type RedisKeys } from '../shared/keys';

export function createGatewayMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'telemetryhub_gateway_' });
  const reg = [registry];
  return {
    registry,
    received: new client.Counter({ name: 'telemetryhub_samples_received_total', help: 'Samples received (a batch counts each sample).', registers: reg }),
    accepted: new client.Counter({ name: 'telemetryhub_samples_accepted_total', help: 'Samples acknowledged by Redis and answered 202.', registers: reg }),
    rejected: new client.Counter({ name: 'telemetryhub_samples_rejected_total', help: 'Samples rejected, by reason.', labelNames: ['reason'], registers: reg }),
    ambiguous: new client.Counter({ name: 'telemetryhub_samples_ambiguous_total', help: 'Samples answered 503 whose write may have reached Redis (reply lost).', registers: reg }),
    breakerTrips: new client.Counter({ name: 'telemetryhub_circuit_breaker_trips_total', help: 'Times the Redis circuit breaker opened.', registers: reg }),
    breakerState: new client.Gauge({ name: 'telemetryhub_circuit_breaker_state', help: 'Breaker state: 0 closed, 1 half-open, 2 open (worst process).', registers: reg, aggregator: 'max' }),
    redisRetries: new client.Counter({ name: 'telemetryhub_redis_write_retries_total', help: 'Redis write attempts retried.', registers: reg }),
    httpDuration: new RequestDurationHistogram(registry),
  };
}

interface Series {
  labels: { method: string; route: string; status: number };
  /** Observations per bucket (not cumulative); beyond the last bound only `count` grows. */
  counts: number[];
  sum: number;
  count: number;
}

const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * `telemetryhub_http_request_duration_seconds{method,route,status}`, observed once per response.
 * Our own metric rather than prom-client's Histogram, whose observe() validates and hashes the
 * label object on every call (~1.5 µs, the most expensive thing the response hook did): here a
 * series is three Map lookups away. It exports exactly what that Histogram would (get(): the
 * same values, labels and aggregator), so /metrics and the cluster's AggregatorRegistry cannot
 * tell the difference (endpoints.test.ts and shutdown.test.ts read it through both).
 */
export class RequestDurationHistogram {
  readonly name = 'telemetryhub_http_request_duration_seconds';
  readonly help = 'HTTP request duration.';
  // prom-client's MetricType is a type-only enum: its value is the string.
  readonly type = 'histogram' as unknown as client.MetricType;
  readonly aggregator = 'sum';
  #series = new Map<string, Map<string, Map<number, Series>>>();

  constructor(registry: client.Registry) {
    registry.registerMetric(this as unknown as client.Metric);
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    let byRoute = this.#series.get(method);
    if (!byRoute) this.#series.set(method, (byRoute = new Map()));
    let byStatus = byRoute.get(route);
    if (!byStatus) byRoute.set(route, (byStatus = new Map()));
    let s = byStatus.get(status);
    if (!s) byStatus.set(status, (s = { labels: { method, route, status }, counts: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < DURATION_BUCKETS.length; i++)
      if (seconds <= DURATION_BUCKETS[i]) {
        s.counts[i]++;
        break;
      }
    s.sum += seconds;
    s.count++;
  }

  /** What prom-client's Histogram.get() returns: cumulative buckets, +Inf, sum, count per series. */
  async get(): Promise<{ name: string; help: string; type: client.MetricType; values: client.MetricValueWithName<string>[]; aggregator: client.Aggregator }> {
    // `exemplar: null` on buckets as prom-client has it (the JSON the cluster aggregates is the same).
    const values: (client.MetricValueWithName<string> & { exemplar?: null })[] = [];
    const bucket = `${this.name}_bucket`;
    for (const byRoute of this.#series.values())
      for (const byStatus of byRoute.values())
        for (const s of byStatus.values()) {
          let acc = 0;
          DURATION_BUCKETS.forEach((le, i) => values.push({ value: (acc += s.counts[i]), metricName: bucket, exemplar: null, labels: { le, ...s.labels } }));
          values.push({ value: s.count, metricName: bucket, exemplar: null, labels: { le: '+Inf', ...s.labels } });
          values.push({ value: s.sum, metricName: `${this.name}_sum`, labels: { ...s.labels } });
          values.push({ value: s.count, metricName: `${this.name}_count`, labels: { ...s.labels } });
        }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.#series.clear();
  }
}
export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

/** Prometheus text for the figures kept in Redis; `telemetryhub_redis_up 0` when unreachable. */
export async function redisMetricsText(redis: Redis, keys: RedisKeys): Promise<string> {
  try {
    const workers = await redis.smembers(keys.workers);
    const [queue, counters, hist, ...processing] = await Promise.all([
      redis.llen(keys.queue),
      redis.hgetall(keys.counters),
      redis.hgetall(keys.processingHist),
      ...workers.map((w) => redis.llen(keys.processing(w))),
    ]);
    const inflight = (processing as number[]).reduce((a, b) => a + b, 0);
    const lines = [
      '# HELP telemetryhub_redis_up Whether Redis answered this scrape.',
      '# TYPE telemetryhub_redis_up gauge',
      'telemetryhub_redis_up 1',
      '# HELP telemetryhub_queue_size Records waiting in the Redis queue.',
      '# TYPE telemetryhub_queue_size gauge',
      `telemetryhub_queue_size ${queue}`,
      '# HELP telemetryhub_queue_processing Records taken by workers and not yet processed.',
      '# TYPE telemetryhub_queue_processing gauge',
      `telemetryhub_queue_processing ${inflight}`,
      '# HELP telemetryhub_samples_processed_total Distinct samples processed by workers.',
      '# TYPE telemetryhub_samples_processed_total counter',
      `telemetryhub_samples_processed_total ${Number(counters.processed ?? 0)}`,
      '# HELP telemetryhub_samples_duplicates_total Redeliveries of already-processed samples (suppressed).',
      '# TYPE telemetryhub_samples_duplicates_total counter',
      `telemetryhub_samples_duplicates_total ${Number(counters.duplicates ?? 0)}`,
      '# HELP telemetryhub_processing_duration_seconds Worker processing duration per sample.',
      '# TYPE telemetryhub_processing_duration_seconds histogram',
    ];
    let cum = 0;
    for (const b of PROCESSING_BUCKETS) {
      cum += Number(hist[String(b)] ?? 0);
      lines.push(`telemetryhub_processing_duration_seconds_bucket{le="${b}"} ${cum}`);
    }
    const count = Number(hist.count ?? 0);
    lines.push(`telemetryhub_processing_duration_seconds_bucket{le="+Inf"} ${count}`);
    lines.push(`telemetryhub_processing_duration_seconds_sum ${Number(hist.sum ?? 0)}`);
    lines.push(`telemetryhub_processing_duration_seconds_count ${count}`);
    return lines.join('\n') + '\n';
  } catch {
    return '# HELP telemetryhub_redis_up Whether Redis answered this scrape.\n# TYPE telemetryhub_redis_up gauge\ntelemetryhub_redis_up 0\n';
  }
}
