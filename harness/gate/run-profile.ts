import * as hdr from 'hdr-histogram-js';
import { HistogramPool, RollupCell, SecondRollup, readSamples, seriesKey, type Sample, type Tags } from '../../vocabulary';
import { readRunDirFacts, samplesFileOf } from '../report';
import { InvalidConfigError } from '../errors';

/**
 * Percentiles kept per second and compared by the gate. p10 is the gate's shift detector: a change
 * that slows every request moves it as much as the median, while a busy machine hardly does
 * (docs/gates.md "Which percentiles").
 */
export const PERCENTILES = [10, 50, 95, 99] as const;
export type Percentile = (typeof PERCENTILES)[number];

/**
 * One (metric, tag set) of a run, as much as a comparison needs: totals, the whole run's HDR
 * histogram (trends; values in thousandths as `RollupCell`, compressed base64) and per-second
 * windows (count, hits of a rate, percentiles of a trend) for the noise-aware tests.
 */
export interface SeriesProfile {
  metric: string;
  /** `gauge` only for `vus` (the load, for compare.html's overlay; the gate compares no gauge). */
  kind: 'trend' | 'rate' | 'counter' | 'gauge';
  /** `{}` for the whole metric; `{ method, name }` per endpoint; `{ check }` per check. */
  tags: Tags;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** rate metrics: samples with a non-zero value (failed requests, passed checks). */
  hits?: number;
  /** trends: the run's HDR histogram, `hdr.encodeIntoCompressedBase64`. */
  hist?: string;
  /**
   * Per second of the run, in order (seconds without samples are absent). `at`: each window's
   * second from the run's first (for the overlay charts; absent in baselines saved before it was
   * added, whose windows are then drawn as if contiguous). `max`: a gauge's highest value.
   */
  seconds: { count: number[]; sum: number[]; p?: Partial<Record<`p${Percentile}`, number[]>>; at?: number[]; max?: number[] };
}

/** What a baseline stores per run, and what a candidate run is reduced to. Plain JSON. */
export interface RunProfile {
  version: 1;
  runId: string;
  /** Where and how it ran: engine, runtime, machine, git commit, scenario, seed. */
  environment: Record<string, unknown>;
  /** Seconds from the first to the last sample (whole seconds with samples). */
  seconds: number;
  series: SeriesProfile[];
}

/** Tags an endpoint is identified by (k6 sets `name` to the URL unless the script names it). */
const ENDPOINT_TAGS = ['method', 'name'] as const;

/** The series a sample belongs to besides its metric as a whole: its endpoint, or its check. */
function breakdown(s: Sample): Tags | undefined {
  if (s.metric === 'checks') return s.tags.check === undefined ? undefined : { check: s.tags.check };
  if (!s.metric.startsWith('http_req')) return undefined;
  const t: Tags = {};
  for (const k of ENDPOINT_TAGS) if (s.tags[k] !== undefined) t[k] = s.tags[k]!;
  if (t.name === undefined && s.tags.url !== undefined) t.name = s.tags.url;
  return Object.keys(t).length ? t : undefined;
}

/**
 * Reduces a run directory's sample stream (`samples.ndjson[.gz]`, through the vocabulary reader
 * and per-second rollups) to a `RunProfile`. Throws InvalidConfigError when it has no samples.
 */
export async function buildRunProfile(runDir: string): Promise<RunProfile> {
  const file = samplesFileOf(runDir);
  if (!file) throw new InvalidConfigError(`${runDir} has no samples.ndjson(.gz): nothing to compare`, [], { hint: 'runs with --out none keep no samples' });
  const types = new Map<string, string>();
  const whole = new SecondRollup({ series: () => ({}) as Tags });
  const split = new SecondRollup({ series: (s) => breakdown(s) ?? {} });
  const acc = new Map<string, { metric: string; tags: Tags; total: RollupCell; hits: number; seconds: Array<{ second: number; cell: Snapshot }> }>();
  const pool = new HistogramPool();
  const emit = (r: { metric: string; tags: Tags; second: number; cell: RollupCell }) => {
    const key = `${r.metric}\u0000${seriesKey(r.tags)}`;
    let a = acc.get(key);
    if (!a) {
      a = { metric: r.metric, tags: { ...r.tags }, total: new RollupCell(r.cell.hist ? pool.take() : undefined), hits: 0, seconds: [] };
      acc.set(key, a);
    }
    a.total.merge(r.cell);
    a.seconds.push({ second: r.second, cell: snapshot(r.cell) });
  };
  let first = Infinity;
  let last = -Infinity;
  for await (const rec of readSamples(file)) {
    if (rec.type === 'Metric') {
      types.set(rec.metric.name, rec.metric.type);
      whole.metricType(rec.metric.name, rec.metric.type);
      split.metricType(rec.metric.name, rec.metric.type);
      continue;
    }
    const s = rec.sample;
    if (s.time < first) first = s.time;
    if (s.time > last) last = s.time;
    whole.add(s, emit);
    if (breakdown(s)) split.add(s, emit);
  }
  whole.flush(emit);
  split.flush(emit);
  if (acc.size === 0) throw new InvalidConfigError(`${runDir}: its sample stream holds no samples: nothing to compare`);
  const series: SeriesProfile[] = [];
  const firstSecond = Math.floor(first / 1000);
  for (const a of acc.values()) {
    const type = types.get(a.metric) ?? (a.total.hist ? 'trend' : 'counter');
    // gauges describe the load, not the system: only `vus` is kept, for compare.html's VU chart
    if (type === 'gauge' && !(a.metric === 'vus' && Object.keys(a.tags).length === 0)) continue;
    const kind = type === 'trend' ? 'trend' : type === 'rate' ? 'rate' : type === 'gauge' ? 'gauge' : 'counter';
    a.seconds.sort((x, y) => x.second - y.second);
    const p: SeriesProfile['seconds']['p'] = {};
    if (kind === 'trend') for (const q of PERCENTILES) p[`p${q}`] = a.seconds.map((s) => s.cell.p[q]!);
    series.push({
      metric: a.metric,
      kind,
      tags: a.tags,
      count: a.total.count,
      sum: round(a.total.sum),
      min: a.total.min,
      max: a.total.max,
      ...(kind === 'rate' ? { hits: Math.round(a.total.sum) } : {}),
      ...(kind === 'trend' && a.total.hist ? { hist: hdr.encodeIntoCompressedBase64(a.total.hist) } : {}),
      seconds: {
        count: a.seconds.map((s) => s.cell.count),
        sum: a.seconds.map((s) => round(s.cell.sum)),
        ...(kind === 'trend' ? { p } : {}),
        at: a.seconds.map((s) => s.second - firstSecond),
        ...(kind === 'gauge' ? { max: a.seconds.map((s) => round(s.cell.max)) } : {}),
      },
    });
  }
  series.sort((x, y) => x.metric.localeCompare(y.metric) || seriesKey(x.tags).localeCompare(seriesKey(y.tags)));
  const { info } = await readRunDirFacts(runDir);
  const environment: Record<string, unknown> = {};
  for (const k of ['scenario', 'kind', 'engine', 'engineVersion', 'runtime', 'machine', 'gitCommit', 'seed', 'startedAt', 'exitCode']) if (info[k] !== undefined) environment[k] = info[k];
  // run.json records `runners` only when it is not 1
  environment.runners = info.runners ?? 1;
  const contention = (info.cpuContention as { waitPerCpu?: number } | undefined)?.waitPerCpu;
  if (typeof contention === 'number') environment.contention = contention;
  return { version: 1, runId: String(info.runId ?? runDir.split('/').at(-1)), environment, seconds: Math.max(1, Math.floor(last / 1000) - Math.floor(first / 1000) + 1), series };
}

interface Snapshot {
  count: number;
  sum: number;
  max: number;
  p: Partial<Record<Percentile, number>>;
}

/** A rolled second's numbers (its cell is recycled once the callback returns). */
function snapshot(c: RollupCell): Snapshot {
  const p: Snapshot['p'] = {};
  if (c.hist) for (const q of PERCENTILES) p[q] = round(c.percentile(q));
  return { count: c.count, sum: c.sum, max: c.max, p };
}

/** Thousandths: the histograms' resolution, and JSON that stays small. */
function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}


/**
 * Several runs of one configuration as one candidate (`harness gate <run> <run>...`): totals add,
 * histograms merge, per-second windows are pooled (each run's placed after the previous one's,
 * `at` shifted), so the same tests see n times the windows. A counter's partial first and last
 * seconds of each run are dropped from its windows (not from its totals): pooled, they would sit
 * among full seconds and read as a throughput drop.
 */
export function poolRunProfiles(runs: readonly RunProfile[]): RunProfile {
  if (runs.length === 1) return runs[0]!;
  const out = new Map<string, SeriesProfile>();
  const hists = new Map<string, hdr.Histogram>();
  let offset = 0;
  for (const run of runs) {
    for (const s of run.series) {
      const key = `${s.metric}\u0000${seriesKey(s.tags)}`;
      const trim = s.kind === 'counter' && s.seconds.count.length > 2;
      const cut = <T>(a: T[] | undefined) => (a === undefined ? undefined : trim ? a.slice(1, -1) : a);
      const at = (s.seconds.at ?? s.seconds.count.map((_, i) => i)).map((x) => x + offset);
      let o = out.get(key);
      if (!o) {
        o = { metric: s.metric, kind: s.kind, tags: s.tags, count: 0, sum: 0, min: Infinity, max: -Infinity, seconds: { count: [], sum: [], at: [], ...(s.seconds.p ? { p: {} } : {}), ...(s.seconds.max ? { max: [] } : {}) } };
        out.set(key, o);
      }
      o.count += s.count;
      o.sum = round(o.sum + s.sum);
      o.min = Math.min(o.min, s.min);
      o.max = Math.max(o.max, s.max);
      if (s.hits !== undefined) o.hits = (o.hits ?? 0) + s.hits;
      o.seconds.count.push(...cut(s.seconds.count)!);
      o.seconds.sum.push(...cut(s.seconds.sum)!);
      o.seconds.at!.push(...cut(at)!);
      if (s.seconds.max) o.seconds.max = [...(o.seconds.max ?? []), ...cut(s.seconds.max)!];
      for (const q of PERCENTILES) {
        const w = s.seconds.p?.[`p${q}`];
        if (w) (o.seconds.p ??= {})[`p${q}`] = [...(o.seconds.p?.[`p${q}`] ?? []), ...cut(w)!];
      }
      if (s.hist) {
        let total = hists.get(key);
        if (!total) hists.set(key, (total = hdr.build({ numberOfSignificantValueDigits: 3, autoResize: true })));
        const h = hdr.decodeFromCompressedBase64(s.hist);
        total.add(h);
        h.destroy();
      }
    }
    offset += run.seconds;
  }
  for (const [key, h] of hists) {
    out.get(key)!.hist = hdr.encodeIntoCompressedBase64(h);
    h.destroy();
  }
  return {
    version: 1,
    runId: runs.map((r) => r.runId).join('+'),
    environment: { ...runs[0]!.environment, pooled: runs.map((r) => r.runId) },
    seconds: offset,
    series: [...out.values()],
  };
}
