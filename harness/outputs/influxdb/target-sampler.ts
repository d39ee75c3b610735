import { Redis } from 'ioredis';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { encodeLine, msToNs, type FieldValue } from './line-protocol';

/** Where the target under load answers (the run session's started stack). */
export interface TargetEndpoints {
  /** The gateway directly (not through Toxiproxy): its `/metrics` is sampled. */
  gatewayUrl: string;
  /** Redis directly, for INFO (memory, ops/s, clients); absent on the `external` runtime. */
  redisUrl?: string;
}

/** Redis INFO fields written (measurement `redis`). */
const REDIS_FIELDS = ['used_memory', 'instantaneous_ops_per_sec', 'connected_clients', 'total_commands_processed', 'blocked_clients', 'rejected_connections'] as const;

/**
 * The target's side, in the same bucket as the load: every second the gateway's Prometheus
 * `/metrics` (parsed by `parse-prometheus-text-format`: queue size, received / accepted /
 * rejected by reason / processed, breaker state, ...) and Redis `INFO`, as points tagged
 * `run_id`, `testid` and `source` (`gateway` | `redis`). Measurement = the Prometheus family
 * name with field `value` (histograms and summaries: `count` and `sum`, no buckets); Redis:
 * measurement `redis`. A scrape that fails is skipped (the target may be the fault).
 */
export class TargetSampler {
  #timer: NodeJS.Timeout | undefined;
  #redis: Redis | undefined;
  #inflight: Promise<unknown> = Promise.resolve();
  /** Scrapes that produced points, and those that failed. */
  readonly counts = { scrapes: 0, failures: 0 };

  constructor(
    private readonly target: TargetEndpoints,
    private readonly tags: { run_id: string; testid: string },
    private readonly emit: (line: string) => void,
    private readonly o: { intervalMs?: number; timeoutMs?: number } = {},
  ) {
    if (target.redisUrl) {
      this.#redis = new Redis(target.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1000, retryStrategy: () => 1000 });
      this.#redis.on('error', () => {}); // a Redis fault is what chaos runs inject
    }
  }

  start(): this {
    void this.#redis?.connect().catch(() => {});
    const tick = () => {
      this.#inflight = this.sampleOnce();
    };
    tick();
    this.#timer = setInterval(tick, this.o.intervalMs ?? 1000);
    this.#timer.unref();
    return this;
  }

  /** One scrape of both sources; returns the points emitted. */
  async sampleOnce(now = Date.now()): Promise<number> {
    const [g, r] = await Promise.all([this.#gateway(now).catch(() => -1), this.#redisInfo(now).catch(() => -1)]);
    if (g < 0 || r < 0) this.counts.failures++;
    const n = Math.max(g, 0) + Math.max(r, 0);
    if (n) this.counts.scrapes++;
    return n;
  }

  async #gateway(now: number): Promise<number> {
    const res = await fetch(new URL('/metrics', this.target.gatewayUrl), { signal: AbortSignal.timeout(this.o.timeoutMs ?? 900) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const ts = msToNs(now);
    let n = 0;
    for (const p of prometheusPoints(await res.text())) {
      const line = encodeLine(p.name, { ...p.labels, ...this.tags, source: 'gateway' }, p.fields, ts);
      if (line) {
        this.emit(line);
        n++;
      }
    }
    return n;
  }

  async #redisInfo(now: number): Promise<number> {
    if (!this.#redis || this.#redis.status !== 'ready') return this.#redis ? -1 : 0;
    const info = await this.#redis.info();
    const values = new Map(info.split('\r\n').map((l) => l.split(':') as [string, string]));
    const fields: Record<string, FieldValue> = {};
    for (const k of REDIS_FIELDS) if (values.has(k)) fields[k] = Number(values.get(k));
    const line = encodeLine('redis', { ...this.tags, source: 'redis' }, fields, msToNs(now));
    if (!line) return 0;
    this.emit(line);
    return 1;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#inflight;
    this.#redis?.disconnect();
  }
}

/**
 * Prometheus text to one point per family and label set: `value` for counters, gauges and
 * untyped; `count` and `sum` for histograms and summaries (buckets and quantiles left out).
 * parse-prometheus-text-format flattens a histogram or summary as if only `le`/`quantile`
 * labelled it (a labelled one loses its `_sum`/`_count`), so their `# TYPE` lines are taken out
 * first: the parser then reads `x_sum` and `x_count` as plain families, joined back here.
 */
export function prometheusPoints(text: string): Array<{ name: string; labels: Record<string, string>; fields: Record<string, number> }> {
  const aggregates = new Set<string>();
  const lines = text.split('\n');
  for (const l of lines) {
    const m = /^#\s+TYPE\s+(\S+)\s+(histogram|summary)\b/.exec(l);
    if (m) aggregates.add(m[1]);
  }
  const plain = lines.filter((l) => {
    const m = /^#\s+(?:TYPE|HELP)\s+(\S+)/.exec(l);
    return !(m && aggregates.has(m[1]));
  });
  const out = new Map<string, { name: string; labels: Record<string, string>; fields: Record<string, number> }>();
  // the parser emits a family at the next line: the text must end with a newline
  for (const fam of parsePrometheusTextFormat(`${plain.join('\n').trimEnd()}\n`)) {
    const agg = /^(.*)_(sum|count|bucket)$/.exec(fam.name);
    const base = agg && aggregates.has(agg[1]) ? agg[1] : undefined;
    if (aggregates.has(fam.name) || (base && agg![2] === 'bucket')) continue; // quantiles, buckets
    for (const m of fam.metrics) {
      if (m.value === undefined) continue;
      const labels = m.labels ?? {};
      const name = base ?? fam.name;
      const key = `${name}\u0000${JSON.stringify(Object.entries(labels).sort())}`;
      let p = out.get(key);
      if (!p) out.set(key, (p = { name, labels, fields: {} }));
      p.fields[base ? agg![2] : 'value'] = Number(m.value);
    }
  }
  return [...out.values()];
}
