/**
 * k6 v1/v2's end-of-test summary model (the "report" its `summary.js` renders and the
 * machine-readable summary is built from), written from k6 v2.2.0's `internal/output/summary`
 * (data.go, summary.go) and `internal/lib/summary` (not a port):
 *
 *   every sample ─▶ (full mode only) SummaryCollector: per scenario (tag `scenario` ≠ default)
 *                   and per group (tag `group`, nested on `::`, setup and teardown skipped) —
 *                   new sinks fed with those samples
 *   SummaryData (handleSummary's data) + checks in first-run order + collector
 *                 ─▶ buildSummaryReport ─▶ SummaryReport
 *
 * Rules kept from k6: the totals are the observed metrics; a group's metrics are only the
 * samples tagged with exactly that group (not its subgroups'); a scenario's are all its samples;
 * `checks` and `group_duration*` are never listed as metrics, and compact mode also drops
 * `http_req_{blocked,connecting,receiving,sending,tls_handshaking,waiting}*` (name prefixes, as
 * k6 matches them); the metrics go into sections by name (HTTP, EXECUTION, NETWORK, BROWSER,
 * WEB_VITALS, GRPC, WEBSOCKET, CUSTOM); `checks_failed` is a rate whose `passes` are the failures.
 */
import { newSink, trendStat, type AnySink } from '../../../vocabulary';
import type { MetricType, Sample, ValueType } from '../types';
import type { Output } from './types';
import type { SummaryData, SummaryGroup, SummaryMetric } from './summary-data';

export type SummaryReportMode = 'compact' | 'full';

export interface ReportMetric {
  name: string;
  type: MetricType;
  contains: ValueType;
  values: Record<string, number>;
}

/** k6's `summary.Metrics` field order (Go struct order, as its JS side enumerates it). */
export const REPORT_SECTIONS = ['http', 'execution', 'network', 'browser', 'web_vitals', 'grpc', 'websocket', 'custom'] as const;
export type ReportSection = (typeof REPORT_SECTIONS)[number];
export type ReportMetrics = Record<ReportSection, Record<string, ReportMetric>>;

export interface ReportCheck {
  name: string;
  passes: number;
  fails: number;
}

export interface ReportChecks {
  metrics: { checks_total: ReportMetric; checks_succeeded: ReportMetric; checks_failed: ReportMetric };
  ordered_checks: ReportCheck[];
}

export interface ReportGroup {
  /** Absent when the group got no check sample. */
  checks?: ReportChecks;
  metrics: ReportMetrics;
  /** In order of first sample (k6's GroupsOrder). */
  groups: Record<string, ReportGroup>;
}

export interface ReportThreshold {
  source: string;
  ok: boolean;
}

export interface SummaryReport extends ReportGroup {
  thresholds: Record<string, { metric: ReportMetric; thresholds: ReportThreshold[] }>;
  /** Per scenario other than `default` (full mode only). */
  scenarios: Record<string, ReportGroup>;
}

/** Samples aggregated for one scenario or group (k6 `aggregatedGroupData`). */
class GroupData {
  readonly sinks = new Map<string, { type: MetricType; contains: ValueType; sink: AnySink }>();
  readonly checks = new Map<string, ReportCheck>();
  readonly groups = new Map<string, GroupData>();

  group(name: string): GroupData {
    let g = this.groups.get(name);
    if (!g) this.groups.set(name, (g = new GroupData()));
    return g;
  }

  add(s: Sample, def: { type: MetricType; contains: ValueType }): void {
    let m = this.sinks.get(s.metric);
    if (!m) this.sinks.set(s.metric, (m = { type: def.type, contains: def.contains, sink: newSink(def.type) }));
    m.sink.add(s.value);
    if (s.metric === 'checks' && s.tags.check !== undefined) countCheck(this.checks, s.tags.check, s.value);
  }
}

function countCheck(checks: Map<string, ReportCheck>, name: string, value: number): void {
  let c = checks.get(name);
  if (!c) checks.set(name, (c = { name, passes: 0, fails: 0 }));
  if (value === 0) c.fails++;
  else c.passes++;
}

/**
 * The full summary's sample consumer (k6 v1+'s `summary` output in full mode): attach it to the
 * MetricsEngine's outputs. Compact mode needs none (an output makes the engine batch every sample).
 */
export class SummaryCollector implements Output {
  readonly root = new GroupData();
  readonly scenarios = new Map<string, GroupData>();

  constructor(private readonly metricDef: (name: string) => { type: MetricType; contains: ValueType } | undefined) {}

  description(): string {
    return 'summary';
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  write(samples: readonly Sample[]): void {
    for (const s of samples) {
      const def = this.metricDef(s.metric);
      if (!def) continue;
      let data = this.root;
      const scenario = s.tags.scenario;
      if (scenario !== undefined && scenario !== 'default') {
        let sd = this.scenarios.get(scenario);
        if (!sd) this.scenarios.set(scenario, (sd = new GroupData()));
        sd.add(s, def);
        data = sd;
      }
      const groupTag = s.tags.group;
      if (!groupTag) continue;
      const normalized = groupTag.startsWith('::') ? groupTag.slice(2) : groupTag;
      if (normalized === 'setup' || normalized === 'teardown') continue;
      for (const name of normalized.split('::')) data = data.group(name);
      data.add(s, def);
    }
  }
}

export interface SummaryReportInput {
  data: SummaryData;
  mode: SummaryReportMode;
  /** Full mode's group and scenario data; without one there are no such sections. */
  collector?: SummaryCollector;
  /**
   * Every check (of any group) in the order first run, as the totals list them (merged by name);
   * without it (e.g. the merged summary of `--runners`) the group tree's order.
   */
  checksInOrder?: readonly ReportCheck[];
  /** A percentile of a metric's sink, for thresholds on `p(N)` outside summaryTrendStats (k6 adds them). */
  percentile?: (metric: string, p: number) => number | undefined;
}

export function buildSummaryReport(input: SummaryReportInput): SummaryReport {
  const { data, mode, collector } = input;
  const durationMs = data.state.testRunDurationMs;
  const stats = data.options.summaryTrendStats;

  const thresholds: SummaryReport['thresholds'] = {};
  for (const [name, m] of Object.entries(data.metrics)) {
    if (!m.thresholds || !Object.keys(m.thresholds).length) continue;
    const metric = reportMetric(name, m);
    metric.values = { ...metric.values };
    for (const source of Object.keys(m.thresholds)) {
      const pm = /^p\((\d+(?:\.\d+)?)\)\s*[<>=]/.exec(source.trim());
      if (m.type === 'trend' && pm) {
        const v = input.percentile?.(name, Number(pm[1]) / 100);
        if (v !== undefined) metric.values[`p(${pm[1]})`] = v;
      }
    }
    thresholds[name] = { metric, thresholds: Object.entries(m.thresholds).map(([source, t]) => ({ source, ok: t.ok })) };
  }

  const metrics = emptyMetrics();
  for (const [name, m] of Object.entries(data.metrics)) placeMetric(metrics, mode, reportMetric(name, m));

  const report: SummaryReport = { thresholds, metrics, groups: {}, scenarios: {} };
  const checksMetric = data.metrics.checks;
  if (checksMetric && checksMetric.type === 'rate') {
    const ordered = mergeByName(input.checksInOrder ?? treeChecks(data.root_group));
    report.checks = checksOf(checksMetric.values.passes ?? 0, (checksMetric.values.passes ?? 0) + (checksMetric.values.fails ?? 0), durationMs, ordered);
  }
  if (collector && mode === 'full') {
    const toGroup = (g: GroupData): ReportGroup => {
      const out: ReportGroup = { metrics: emptyMetrics(), groups: {} };
      for (const [name, m] of g.sinks) placeMetric(out.metrics, mode, { name, type: m.type, contains: m.contains, values: sinkValues(m.sink, stats, durationMs) });
      const checks = g.sinks.get('checks');
      if (checks && checks.sink.type === 'rate') out.checks = checksOf(checks.sink.trues, checks.sink.total, durationMs, [...g.checks.values()].map((c) => ({ ...c })));
      for (const [name, sub] of g.groups) out.groups[name] = toGroup(sub);
      return out;
    };
    report.groups = toGroup(collector.root).groups;
    for (const [name, sd] of collector.scenarios) report.scenarios[name] = toGroup(sd);
  }
  return report;
}

function emptyMetrics(): ReportMetrics {
  return Object.fromEntries(REPORT_SECTIONS.map((s) => [s, {}])) as ReportMetrics;
}

function reportMetric(name: string, m: SummaryMetric): ReportMetric {
  return { name, type: m.type, contains: m.contains, values: m.values };
}

const HTTP = ['http_reqs', 'http_req_failed', 'http_req_duration', 'http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending', 'http_req_waiting', 'http_req_receiving'];
const EXECUTION = ['vus', 'vus_max', 'iterations', 'iteration_duration', 'dropped_iterations'];
const NETWORK = ['data_sent', 'data_received'];
const SKIPPED_ALWAYS = ['checks', 'group_duration'];
const SKIPPED_COMPACT = [...SKIPPED_ALWAYS, 'http_req_blocked', 'http_req_connecting', 'http_req_receiving', 'http_req_sending', 'http_req_tls_handshaking', 'http_req_waiting'];
// k6's oneOfMetrics matches name prefixes: `http_reqs` covers `http_reqs{...}` and `vus` covers `vus_max`
const prefixOf = (name: string, list: readonly string[]) => list.some((p) => name.startsWith(p));

/** The section of a metric as k6 v2 decides it; undefined: not listed. */
export function reportSectionOf(name: string, mode: SummaryReportMode): ReportSection | undefined {
  if (prefixOf(name, mode === 'compact' ? SKIPPED_COMPACT : SKIPPED_ALWAYS)) return undefined;
  if (prefixOf(name, HTTP)) return 'http';
  if (prefixOf(name, EXECUTION)) return 'execution';
  if (prefixOf(name, NETWORK)) return 'network';
  if (name.startsWith('browser_web_vital_')) return 'web_vitals';
  if (name.startsWith('browser_')) return 'browser';
  if (name.startsWith('grpc_')) return 'grpc';
  if (name.startsWith('ws_')) return 'websocket';
  return 'custom';
}

function placeMetric(into: ReportMetrics, mode: SummaryReportMode, m: ReportMetric): void {
  const section = reportSectionOf(m.name, mode);
  if (section) into[section][m.name] = m;
}

function checksOf(passes: number, total: number, durationMs: number, ordered: ReportCheck[]): ReportChecks {
  const secs = durationMs / 1000;
  const metric = (name: string, type: MetricType, values: Record<string, number>): ReportMetric => ({ name, type, contains: 'default', values });
  return {
    metrics: {
      checks_total: metric('checks_total', 'counter', { count: total, rate: secs === 0 ? 0 : total / secs }),
      checks_succeeded: metric('checks_succeeded', 'rate', { rate: total ? passes / total : 0, passes, fails: total - passes }),
      checks_failed: metric('checks_failed', 'rate', { passes: total - passes, fails: passes, rate: total ? (total - passes) / total : 0 }),
    },
    ordered_checks: ordered,
  };
}

function treeChecks(root: SummaryGroup): ReportCheck[] {
  const out: ReportCheck[] = [];
  const walk = (g: SummaryGroup) => {
    out.push(...g.checks);
    g.groups.forEach(walk);
  };
  walk(root);
  return out;
}

/** k6 keys the totals' checks by name: one line per name, counts summed, first occurrence's place. */
function mergeByName(checks: readonly ReportCheck[]): ReportCheck[] {
  const byName = new Map<string, ReportCheck>();
  for (const c of checks) {
    const e = byName.get(c.name);
    if (e) {
      e.passes += c.passes;
      e.fails += c.fails;
    } else byName.set(c.name, { name: c.name, passes: c.passes, fails: c.fails });
  }
  return [...byName.values()];
}

/** k6's `metricValueGetter` over a sink (counter rate per second of the test run). */
function sinkValues(sink: AnySink, stats: readonly string[], durationMs: number): Record<string, number> {
  switch (sink.type) {
    case 'counter':
      return { count: sink.value, rate: durationMs === 0 ? 0 : sink.value / (durationMs / 1000) };
    case 'gauge':
      return { value: sink.value, min: sink.min, max: sink.max };
    case 'rate':
      return { rate: sink.rate(), passes: sink.trues, fails: sink.total - sink.trues };
    case 'trend':
      return Object.fromEntries(stats.map((st) => [st, trendStat(sink, st)]));
  }
}
