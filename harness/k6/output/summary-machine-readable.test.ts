/** The machine-readable summary against the shape read in k6 v2.2.0's source (fixtures/k6-v2.2.0, PROVENANCE there). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SummaryData } from './summary-data';
import { buildMachineReadableSummary, machineReadableJson } from './summary-machine-readable';
import { buildSummaryReport } from './summary-report';

const shape = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/k6-v2.2.0/machine-readable-shape.json', import.meta.url)), 'utf8')) as {
  schemaVersion: string;
  keys: Record<string, string[]>;
  enums: Record<string, string[]>;
  checksMetricsOrder: string[];
};

function data(trendStats = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']): SummaryData {
  return {
    root_group: { name: '', path: '', id: 'x', groups: [], checks: [{ name: 'ok', path: '::ok', id: 'a', passes: 3, fails: 1 }] },
    options: { summaryTrendStats: trendStats, summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 2500 },
    metrics: {
      checks: { type: 'rate', contains: 'default', values: { rate: 0.75, passes: 3, fails: 1 } },
      http_req_duration: { type: 'trend', contains: 'time', values: Object.fromEntries(trendStats.map((s, i) => [s, i + 1])) },
      http_req_waiting: { type: 'trend', contains: 'time', values: Object.fromEntries(trendStats.map((s) => [s, 1])) },
      http_reqs: { type: 'counter', contains: 'default', values: { count: 4, rate: 1.6 } },
      data_sent: { type: 'counter', contains: 'data', values: { count: 400, rate: 160 } },
      vus: { type: 'gauge', contains: 'default', values: { value: 1, min: 0, max: 2 } },
      mine: { type: 'rate', contains: 'default', values: { rate: 0.5, passes: 1, fails: 1 } },
    },
  };
}

const meta = { script: 'export default function () {}', k6Version: '0.48.0', testRunDurationMs: 2500, generatedAtMs: Date.UTC(2026, 10, 30, 12, 0, 0, 250) };

describe('machine-readable summary (k6 v2.2.0 shape)', () => {
  it('every object has k6 v2.2\'s keys in its struct order (snake_case, as a script sees them)', () => {
    const s = buildMachineReadableSummary(buildSummaryReport({ data: data(), mode: 'full' }), meta);
    const k = shape.keys;
    assert.deepEqual(Object.keys(s), k.Summary);
    assert.deepEqual(Object.keys(s.config), k.SummarySummaryConfig);
    assert.deepEqual(Object.keys(s.metadata), k.SummarySummaryMetadata);
    assert.deepEqual(Object.keys(s.results), k.SummarySummaryResults);
    assert.deepEqual(Object.keys(s.results.checks), k.SummarySummaryResultsChecks);
    for (const r of s.results.checks.results) assert.deepEqual(Object.keys(r), k.SummarySummaryResultsChecksResults);
    const byType: Record<string, string> = { counter: 'CounterValues', gauge: 'GaugeValues', rate: 'RateValues', trend: 'TrendValues' };
    for (const m of [...s.results.metrics, ...s.results.checks.metrics]) {
      assert.deepEqual(Object.keys(m), k.Metric);
      assert.deepEqual(Object.keys(m.values), k[byType[m.type]!], m.name);
      assert.ok(shape.enums.type!.includes(m.type) && shape.enums.contains!.includes(m.contains));
    }
    assert.equal(s.version, shape.schemaVersion);
    assert.ok(shape.enums.execution!.includes(s.config.execution));
    assert.deepEqual(s.results.checks.metrics.map((m) => m.name), shape.checksMetricsOrder);
  });

  it('values as k6 builds them: seconds, RFC 3339 time, rate counts as integers, trend stats outside the six are null', () => {
    const s = buildMachineReadableSummary(buildSummaryReport({ data: data(['avg', 'p(99)', 'count']), mode: 'compact' }), meta);
    assert.equal(s.config.duration, 2.5);
    assert.equal(s.metadata.generated_at, '2026-11-30T12:00:00.25Z');
    assert.deepEqual(s.results.checks.metrics[0]!.values, { count: 4 });
    assert.deepEqual(s.results.checks.metrics[1]!.values, { matches: 1, rate: 0.25, total: 4 }, 'checks_failed: the failures are its matches');
    assert.deepEqual(s.results.checks.results, [{ fails: 1, name: 'ok', passes: 3 }]);
    const byName = Object.fromEntries(s.results.metrics.map((m) => [m.name, m]));
    assert.deepEqual(byName.http_req_duration!.values, { avg: 1, max: null, med: null, min: null, p90: null, p95: null });
    assert.deepEqual(byName.mine!.values, { matches: 1, rate: 0.5, total: 2 });
    assert.deepEqual(byName.vus!.values, { max: 2, min: 0, value: 1 });
    // the metrics of the total results: compact leaves out the request phases, checks are not a metric here
    assert.equal(byName.http_req_waiting, undefined);
    assert.equal(byName.checks, undefined);
    assert.deepEqual(s.results.metrics.map((m) => m.name), ['http_req_duration', 'http_reqs', 'vus', 'data_sent', 'mine'], 'section order, then by name');
    assert.match(machineReadableJson(s), /^\{\n {4}"config": \{\n {8}"duration": 2\.5,\n {8}"execution": "local",/);
  });

  it('no check samples: checks is there with empty lists (k6 always builds the checks object)', () => {
    const d = data();
    delete d.metrics.checks;
    const s = buildMachineReadableSummary(buildSummaryReport({ data: d, mode: 'compact' }), meta);
    assert.deepEqual(s.results.checks, { metrics: [], results: [] });
  });
});
