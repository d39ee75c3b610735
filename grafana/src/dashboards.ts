import * as common from '@grafana/grafana-foundation-sdk/common';
import { AnnotationQueryBuilder, DashboardBuilder, DashboardCursorSync, QueryVariableBuilder, RowBuilder, VariableRefresh, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { INFLUX, InfluxqlQueryBuilder, RUN } from './influxql-query';

/**
 * The harness's dashboards as code, over the `rollup` shape of `--out influxdb` (docs/influxdb.md):
 * one point per metric, tag set and second with count, sum, min, max, mean, p50..p99; the target's
 * own series (gateway /metrics, Redis INFO); chaos journal entries in `chaos_events`.
 * `npm run grafana:dashboards` writes them to grafana/dashboards/*.json (a test fails when stale).
 */

/** Per-second rate of a per-second count, whatever the panel's interval. */
const perSecond = (expr: string) => `(${expr}) / ($__interval_ms / 1000)`;

const legend = () => new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom).showLegend(true);

function timeseries(title: string, unit: string, queries: Array<[string, string?]>, pos: { x: number; y: number; w?: number; h?: number }): TimeseriesPanelBuilder {
  const p = new TimeseriesPanelBuilder()
    .title(title)
    .datasource(INFLUX)
    .unit(unit)
    .legend(legend())
    .gridPos({ x: pos.x, y: pos.y, w: pos.w ?? 12, h: pos.h ?? 8 });
  queries.forEach(([q, alias], i) => {
    const b = new InfluxqlQueryBuilder(String.fromCharCode(65 + i), q);
    p.withTarget(alias ? b.alias(alias) : b);
  });
  return p;
}

function stat(title: string, unit: string, query: string, pos: { x: number; y: number }): StatPanelBuilder {
  return new StatPanelBuilder().title(title).datasource(INFLUX).unit(unit).withTarget(new InfluxqlQueryBuilder('A', query)).gridPos({ x: pos.x, y: pos.y, w: 6, h: 4 });
}

function runVariable(measurement: string): QueryVariableBuilder {
  return new QueryVariableBuilder('run_id')
    .label('Run')
    .datasource(INFLUX)
    .query(`SHOW TAG VALUES FROM "${measurement}" WITH KEY = "run_id"`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(2); // alphabetical descending: run ids start with their time, newest first
}

function dashboard(uid: string, title: string, runsFrom: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .tags(['harness', 'k6'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('5s')
    .time({ from: 'now-15m', to: 'now' })
    .timezone('browser')
    .withVariable(runVariable(runsFrom));
}

/** The load panels (shared by Load test and Chaos), from row `y`. */
function loadPanels(d: DashboardBuilder, y: number, splitBy?: string): number {
  const by = splitBy ? `, "${splitBy}"` : '';
  const alias = splitBy ? `$tag_${splitBy}` : undefined;
  d.withPanel(stat('Requests', 'short', `SELECT sum("count") FROM "http_reqs" WHERE ${RUN}`, { x: 0, y }));
  d.withPanel(stat('Failed requests', 'percentunit', `SELECT sum("sum") / sum("count") FROM "http_req_failed" WHERE ${RUN}`, { x: 6, y }));
  d.withPanel(stat('p95 latency (max of seconds)', 'ms', `SELECT max("p95") FROM "http_req_duration" WHERE ${RUN}`, { x: 12, y }));
  d.withPanel(stat('Checks passed', 'percentunit', `SELECT sum("sum") / sum("count") FROM "checks" WHERE ${RUN}`, { x: 18, y }));
  y += 4;
  d.withPanel(timeseries('Requests per second', 'reqps', [[`SELECT ${perSecond('sum("count")')} FROM "http_reqs" WHERE ${RUN} GROUP BY time($__interval)${by} fill(0)`, alias ?? 'req/s']], { x: 0, y }));
  d.withPanel(
    timeseries(
      'Latency percentiles (http_req_duration)',
      'ms',
      [
        [`SELECT mean("p50") FROM "http_req_duration" WHERE ${RUN} GROUP BY time($__interval)${by} fill(none)`, splitBy ? `p50 ${alias}` : 'p50'],
        [`SELECT max("p90") FROM "http_req_duration" WHERE ${RUN} GROUP BY time($__interval)${by} fill(none)`, splitBy ? `p90 ${alias}` : 'p90'],
        [`SELECT max("p95") FROM "http_req_duration" WHERE ${RUN} GROUP BY time($__interval)${by} fill(none)`, splitBy ? `p95 ${alias}` : 'p95'],
        [`SELECT max("p99") FROM "http_req_duration" WHERE ${RUN} GROUP BY time($__interval)${by} fill(none)`, splitBy ? `p99 ${alias}` : 'p99'],
      ],
      { x: 12, y },
    ),
  );
  y += 8;
  d.withPanel(timeseries('Errors by status (non-2xx per second)', 'reqps', [[`SELECT ${perSecond('sum("count")')} FROM "http_reqs" WHERE ${RUN} AND "status" !~ /^2/ GROUP BY time($__interval), "status" fill(none)`, '$tag_status']], { x: 0, y }));
  d.withPanel(timeseries('Failed checks by check (per second)', 'short', [[`SELECT ${perSecond('sum("count") - sum("sum")')} FROM "checks" WHERE ${RUN} GROUP BY time($__interval), "check" fill(none)`, '$tag_check']], { x: 12, y }));
  return y + 8;
}

export function loadTestDashboard(): Dashboard {
  const d = dashboard('harness-load-test', 'Harness: load test', 'http_reqs');
  let y = loadPanels(d, 0);
  d.withPanel(timeseries('VUs', 'short', [[`SELECT max("max") FROM "vus" WHERE ${RUN} GROUP BY time($__interval) fill(none)`, 'vus']], { x: 0, y }));
  d.withPanel(timeseries('Iterations per second', 'short', [[`SELECT ${perSecond('sum("count")')} FROM "iterations" WHERE ${RUN} GROUP BY time($__interval) fill(0)`, 'iterations/s']], { x: 12, y }));
  y += 8;
  d.withPanel(
    timeseries(
      'Data in / out',
      'Bps',
      [
        [`SELECT ${perSecond('sum("sum")')} FROM "data_received" WHERE ${RUN} GROUP BY time($__interval) fill(0)`, 'received'],
        [`SELECT ${perSecond('sum("sum")')} FROM "data_sent" WHERE ${RUN} GROUP BY time($__interval) fill(0)`, 'sent'],
      ],
      { x: 0, y },
    ),
  );
  d.withPanel(
    new TablePanelBuilder()
      .title('Per endpoint (name tag)')
      .datasource(INFLUX)
      .withTarget(new InfluxqlQueryBuilder('A', `SELECT sum("count") AS "requests", sum("sum") / sum("count") AS "mean_ms", max("p95") AS "p95_ms", max("p99") AS "p99_ms", max("max") AS "max_ms" FROM "http_req_duration" WHERE ${RUN} GROUP BY "name", "method", "status"`).table())
      .gridPos({ x: 12, y, w: 12, h: 8 }),
  );
  y += 8;
  d.withPanel(
    new TablePanelBuilder()
      .title('Thresholds (ok: 1 passed, 0 crossed)')
      .datasource(INFLUX)
      .withTarget(new InfluxqlQueryBuilder('A', `SELECT last("ok") AS "ok" FROM "k6_thresholds" WHERE ${RUN} GROUP BY "metric", "threshold"`).table())
      .gridPos({ x: 0, y, w: 24, h: 6 }),
  );
  return d.build();
}

export function targetDashboard(): Dashboard {
  const d = dashboard('harness-target', 'Harness: target (TelemetryHub)', 'telemetryhub_queue_size');
  const rate = (m: string, by = '') => `SELECT non_negative_derivative(max("value"), 1s) FROM "${m}" WHERE ${RUN} GROUP BY time($__interval)${by} fill(none)`;
  d.withPanel(timeseries('Queue depth', 'short', [[`SELECT max("value") FROM "telemetryhub_queue_size" WHERE ${RUN} GROUP BY time($__interval) fill(none)`, 'queued'], [`SELECT max("value") FROM "telemetryhub_queue_processing" WHERE ${RUN} GROUP BY time($__interval) fill(none)`, 'processing']], { x: 0, y: 0 }));
  d.withPanel(timeseries('Accepted vs processed (per second)', 'short', [[rate('telemetryhub_samples_accepted_total'), 'accepted'], [rate('telemetryhub_samples_processed_total'), 'processed'], [rate('telemetryhub_samples_received_total'), 'received']], { x: 12, y: 0 }));
  d.withPanel(timeseries('Rejections by reason (per second)', 'short', [[rate('telemetryhub_samples_rejected_total', ', "reason"'), '$tag_reason']], { x: 0, y: 8 }));
  d.withPanel(timeseries('Circuit breaker (0 closed, 1 half-open, 2 open)', 'short', [[`SELECT max("value") FROM "telemetryhub_circuit_breaker_state" WHERE ${RUN} GROUP BY time($__interval) fill(none)`, 'state']], { x: 12, y: 8 }));
  d.withPanel(timeseries('Redis memory', 'bytes', [[`SELECT max("used_memory") FROM "redis" WHERE ${RUN} GROUP BY time($__interval) fill(none)`, 'used_memory']], { x: 0, y: 16 }));
  d.withPanel(timeseries('Redis ops/s', 'ops', [[`SELECT mean("instantaneous_ops_per_sec") FROM "redis" WHERE ${RUN} GROUP BY time($__interval) fill(none)`, 'ops/s']], { x: 12, y: 16 }));
  return d.build();
}

/** A Grafana annotation from `chaos_events` (fault on/off, kills, phases, verdict). */
function chaosAnnotation(): cog.Builder<Dashboard['annotations'] extends { list?: Array<infer A> } ? A : never> {
  const target: cog.Dataquery & Record<string, unknown> = {
    refId: 'Anno',
    datasource: INFLUX,
    query: `SELECT "text", "event", "fault" FROM "chaos_events" WHERE ${RUN}`,
    rawQuery: true,
    fromAnnotations: true,
    textColumn: 'text',
    tagsColumn: 'event,fault',
    _implementsDataqueryVariant: () => {},
  };
  return new AnnotationQueryBuilder().name('Chaos events').datasource(INFLUX).enable(true).iconColor('red').target({ build: () => target });
}

export function chaosDashboard(): Dashboard {
  const d = dashboard('harness-chaos', 'Harness: chaos', 'chaos_events').annotation(chaosAnnotation());
  d.withRow(new RowBuilder('Load by chaos phase (baseline, fault, recovery)').gridPos({ x: 0, y: 0, w: 24, h: 1 }));
  let y = loadPanels(d, 1, 'chaos_phase');
  d.withRow(new RowBuilder('Target').gridPos({ x: 0, y, w: 24, h: 1 }));
  y += 1;
  d.withPanel(timeseries('Queue depth', 'short', [[`SELECT max("value") FROM "telemetryhub_queue_size" WHERE ${RUN} GROUP BY time($__interval) fill(none)`, 'queued']], { x: 0, y }));
  d.withPanel(timeseries('Circuit breaker (0 closed, 1 half-open, 2 open)', 'short', [[`SELECT max("value") FROM "telemetryhub_circuit_breaker_state" WHERE ${RUN} GROUP BY time($__interval) fill(none)`, 'state']], { x: 12, y }));
  return d.build();
}

/** File name under grafana/dashboards/ -> dashboard. */
export function allDashboards(): Record<string, Dashboard> {
  return { 'load-test.json': loadTestDashboard(), 'target.json': targetDashboard(), 'chaos.json': chaosDashboard() };
}

/** The JSON as committed (stable key order from the builders, two-space indent, final newline). */
export function dashboardJson(d: Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
