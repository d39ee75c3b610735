import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { InfraError, InvalidConfigError } from '../../errors';
import { encodeMetricLine, encodePointLine, type MetricInfo, type Sample, type ThresholdJson } from '../../../vocabulary/samples';
import { publicUrl } from './config';
import { RawShape } from './raw-shape';

export interface ReadRunInput {
  /** The server's origin (`http://host:8086`). */
  url: string;
  /** InfluxDB 1.x: the database (`--out influxdb=URL/<bucket>` wrote it there). */
  bucket: string;
  token?: string;
  runId: string;
  /** Where the rebuilt k6 JSON stream goes (Metric lines first, then the Points in time order). */
  outFile: string;
  /** A metric's type when the bucket has no `k6_metrics` point for it (real k6 wrote it): k6's built-ins. */
  knownMetric?: (name: string) => Pick<MetricInfo, 'type' | 'contains'> | undefined;
  signal?: AbortSignal;
}

export interface ReadRun {
  server: 'influxdb-1' | 'victoria-metrics';
  points: number;
  metrics: number;
  /** Metrics with neither a `k6_metrics` point nor a known type: read as trends. */
  untyped: string[];
}

/** Measurements the output writes besides samples (and the target's, tagged `source`). */
const NOT_SAMPLES = new Set([RawShape.METRICS, 'k6_thresholds', 'chaos_events']);

/**
 * The inverse of the `raw` shape: every point of one run id read back from the server, as the k6
 * JSON stream it was written from, so `harness k8s merge --from-influxdb` merges it like files.
 *
 *   InfluxDB 1.x ── /query  SELECT * FROM /.*​/ WHERE run_id=… GROUP BY *  (InfluxQL, µs epoch) ─┐
 *   VictoriaMetrics ─ /api/v1/export match[]={run_id=…}  (`<measurement>_value` series, ms) ───┴▶ samples
 *   `k6_metrics` points ─▶ Metric lines (type, contains, thresholds)
 *
 * A sample's tags come back as written: its own plus `run_id`, `testid`, `scenario` (and chaos
 * phases); `vu`/`iter`/`url` return from their fields on InfluxDB. What the server cannot give
 * back: VictoriaMetrics keeps milliseconds and numeric fields only (no `url`; `vu`/`iter` are
 * separate series, not joined back); InfluxDB keeps one point per series and timestamp (the
 * output writes µs, as k6's own output, so two samples of one series in one µs are one).
 * The rollup shape cannot be inverted (no samples): such a run is refused with a hint.
 */
export async function readRunPoints(input: ReadRunInput): Promise<ReadRun> {
  const origin = publicUrl(input.url);
  const server = await detect(input);
  const types = new Map<string, MetricInfo>();
  const samples: Sample[] = [];
  let rollup = false;
  const onSeries = (measurement: string, field: string, tags: Record<string, string>, rows: Iterable<{ t: number; v: unknown; fields?: Record<string, unknown> }>) => {
    if (measurement === RawShape.METRICS) {
      if (!tags.metric) return;
      // one point per runner: a runner run with --no-thresholds wrote none, so their union counts
      const m = metricInfo(tags);
      const known = types.get(tags.metric);
      if (!known) types.set(tags.metric, m);
      else for (const t of m.thresholds) if (!known.thresholds.some((k) => JSON.stringify(k) === JSON.stringify(t))) known.thresholds.push(t);
      return;
    }
    if (NOT_SAMPLES.has(measurement) || tags.source === 'gateway' || tags.source === 'redis') return;
    if (field !== 'value') {
      if (field === 'count' || field === 'p99') rollup = true;
      return;
    }
    const own: Record<string, string> = {};
    for (const k in tags) if (tags[k] !== '') own[k] = tags[k];
    for (const r of rows) {
      if (typeof r.v !== 'number') continue;
      let t = own;
      if (r.fields) {
        t = { ...own };
        for (const k of Object.keys(RawShape.TAGS_AS_FIELDS)) if (r.fields[k] !== null && r.fields[k] !== undefined) t[k] = String(r.fields[k]);
      }
      samples.push({ metric: measurement, time: r.t, value: r.v, tags: t });
    }
  };
  if (server === 'influxdb-1') await readInfluxQL(input, onSeries);
  else await readExport(input, onSeries);

  if (!samples.length) {
    if (rollup) throw new InvalidConfigError(`run ${input.runId} in ${origin} was written in the rollup shape (per-second aggregates): its samples cannot be merged`, [], { hint: 'write the runners with HARNESS_INFLUXDB_SHAPE=raw (k6\'s schema, a point per sample) or merge their JSON outputs' });
    throw new InvalidConfigError(`no samples of run id "${input.runId}" in ${origin} (bucket ${input.bucket})`, [], { hint: 'check --run-id (the runners\' run_id tag, in harness-k8s.json of the rendered folder) and --bucket' });
  }
  samples.sort((a, b) => a.time - b.time);
  const untyped: string[] = [];
  const out = createWriteStream(input.outFile);
  let buf = '';
  const seen = new Set<string>();
  for (const s of samples) {
    if (!seen.has(s.metric)) {
      seen.add(s.metric);
      let m = types.get(s.metric);
      if (!m) {
        const known = input.knownMetric?.(s.metric);
        if (!known) untyped.push(s.metric);
        m = { name: s.metric, type: known?.type ?? 'trend', contains: known?.contains ?? 'default', thresholds: [], submetrics: null };
      }
      buf += encodeMetricLine(m);
    }
    buf += encodePointLine(s);
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  return { server, points: samples.length, metrics: seen.size, untyped };
}

function metricInfo(tags: Record<string, string>): MetricInfo {
  let thresholds: ThresholdJson[] = [];
  try {
    if (tags.thresholds) thresholds = JSON.parse(tags.thresholds) as ThresholdJson[];
  } catch {
    // a hand-written point: no thresholds rather than no merge
  }
  return { name: tags.metric, type: tags.type as MetricInfo['type'], contains: (tags.contains || 'default') as MetricInfo['contains'], thresholds, submetrics: null };
}

type OnSeries = (measurement: string, field: string, tags: Record<string, string>, rows: Iterable<{ t: number; v: unknown; fields?: Record<string, unknown> }>) => void;

async function request(input: ReadRunInput, path: string, init: RequestInit = {}): Promise<Response> {
  const origin = publicUrl(input.url);
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (input.token) headers.authorization = `Token ${input.token}`;
  try {
    return await fetch(`${origin}${path}`, { ...init, headers, signal: input.signal ?? AbortSignal.timeout(60_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new InfraError(`cannot reach ${origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, { hint: 'check --from-influxdb (the URL the runners wrote to, reachable from here: kubectl port-forward svc/influxdb 8086)' });
  }
}

/** InfluxDB 1.x answers /ping with its version; VictoriaMetrics answers without one (and has /api/v1/export). */
async function detect(input: ReadRunInput): Promise<ReadRun['server']> {
  const origin = publicUrl(input.url);
  const ping = await request(input, '/ping');
  const version = ping.headers.get('x-influxdb-version');
  await ping.body?.cancel();
  if (version && /^1\./.test(version)) return 'influxdb-1';
  if (version) {
    throw new InvalidConfigError(`${origin} is InfluxDB ${version}: reading a run back needs InfluxQL (InfluxDB 1.x) or VictoriaMetrics`, [], {
      hint: 'InfluxDB 2.x/3.x: enable its v1 compatibility API (a DBRP mapping for the bucket) and query that, or merge the runners\' JSON outputs',
    });
  }
  if (ping.status === 204) return 'victoria-metrics';
  throw new InfraError(`${origin}/ping answered HTTP ${ping.status}: neither InfluxDB 1.x nor VictoriaMetrics`, { hint: 'pass the server\'s origin (http://host:8086 or http://host:8428), without a path' });
}

/** InfluxQL string literal. */
const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

async function readInfluxQL(input: ReadRunInput, onSeries: OnSeries): Promise<void> {
  const origin = publicUrl(input.url);
  // µs: the output writes µs (`msToNs`), and µs since the epoch is exact in a double (ns is not)
  const q = `SELECT * FROM /.*/ WHERE "run_id" = ${quote(input.runId)} GROUP BY *`;
  const res = await request(input, `/query?${new URLSearchParams({ db: input.bucket, q, epoch: 'u', chunked: 'true', chunk_size: '10000' })}`);
  if (!res.ok) throw new InfraError(`${origin}/query: HTTP ${res.status}: ${(await res.text()).trim().slice(0, 300)}`, { hint: 'check --bucket (the database) and --token' });
  const text = await res.text();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const chunk = JSON.parse(line) as { error?: string; results?: Array<{ error?: string; series?: Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }> }> };
    const err = chunk.error ?? chunk.results?.find((r) => r.error)?.error;
    if (err) {
      if (/database not found/.test(err)) throw new InvalidConfigError(`${origin}: ${err}`, [], { hint: 'pass --bucket: the database the runners wrote to (the path of their influxdb URL)' });
      throw new InfraError(`${origin}/query: ${err}`);
    }
    for (const r of chunk.results ?? []) {
      for (const s of r.series ?? []) {
        const ti = s.columns.indexOf('time');
        const vi = s.columns.indexOf('value');
        const fi = Object.keys(RawShape.TAGS_AS_FIELDS).map((k) => [k, s.columns.indexOf(k)] as const).filter(([, i]) => i >= 0);
        if (vi < 0) {
          onSeries(s.name, s.columns.includes('p99') ? 'p99' : s.columns.includes('count') ? 'count' : s.columns.filter((c) => c !== 'time')[0] ?? '', s.tags ?? {}, []);
          continue;
        }
        const rows = s.values.map((v) => {
          const fields: Record<string, unknown> = {};
          for (const [k, i] of fi) fields[k] = v[i];
          return { t: (v[ti] as number) / 1000, v: v[vi], fields };
        });
        onSeries(s.name, 'value', s.tags ?? {}, rows);
      }
    }
  }
}

async function readExport(input: ReadRunInput, onSeries: OnSeries): Promise<void> {
  const origin = publicUrl(input.url);
  const body = new URLSearchParams({ 'match[]': `{run_id=${JSON.stringify(input.runId)}}`, start: '0' });
  const res = await request(input, '/api/v1/export', { method: 'POST', body });
  if (!res.ok) throw new InfraError(`${origin}/api/v1/export: HTTP ${res.status}: ${(await res.text()).trim().slice(0, 300)}`, { hint: 'a VictoriaMetrics single-node origin (http://host:8428); for a cluster, its vmselect URL with /select/<tenant>/prometheus' });
  const text = await res.text();
  const fields = ['value', 'count', 'p99', ...Object.keys(RawShape.TAGS_AS_FIELDS)];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const s = JSON.parse(line) as { metric: Record<string, string>; values: unknown[]; timestamps: number[] };
    const { __name__: name, ...tags } = s.metric;
    const field = fields.find((f) => name.endsWith(`_${f}`));
    if (!field) continue;
    const measurement = name.slice(0, -field.length - 1);
    onSeries(
      measurement,
      field,
      tags,
      s.values.map((v, i) => ({ t: s.timestamps[i], v })),
    );
  }
}
