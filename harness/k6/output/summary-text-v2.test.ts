/**
 * k6 v1/v2's summary text, line by line: the expected texts are worked out by hand from k6
 * v2.2.0's internal/js/summary.js (its layout rules are listed in summary-text-v2.ts).
 */
import assert from 'node:assert/strict';
import type { SummaryData } from './summary-data';
import { buildSummaryReport, reportSectionOf, type ReportChecks, type ReportGroup, type SummaryReport } from './summary-report';
import { renderTextSummaryV2, summaryStdoutV2 } from './summary-text-v2';
import { defaultSummaryText } from './handle-summary';

const trend = (avg: number, min: number, med: number, max: number, p90: number, p95: number) => ({ avg, min, med, max, 'p(90)': p90, 'p(95)': p95 });

function data(): SummaryData {
  return {
    root_group: {
      name: '',
      path: '',
      id: 'x',
      checks: [{ name: 'status 200', path: '::status 200', id: 'a', passes: 3, fails: 0 }],
      groups: [{ name: 'g', path: '::g', id: 'y', groups: [], checks: [{ name: 'body ok', path: '::g::body ok', id: 'b', passes: 0, fails: 1 }] }],
    },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 2000 },
    metrics: {
      checks: { type: 'rate', contains: 'default', values: { rate: 0.75, passes: 3, fails: 1 } },
      data_received: { type: 'counter', contains: 'data', values: { count: 2048, rate: 1024 } },
      group_duration: { type: 'trend', contains: 'time', values: trend(1, 1, 1, 1, 1, 1) },
      http_req_blocked: { type: 'trend', contains: 'time', values: trend(1, 1, 1, 1, 1, 1) },
      http_req_duration: {
        type: 'trend',
        contains: 'time',
        values: trend(12.5, 1, 10, 30, 25, 28),
        thresholds: { 'p(95)<20': { ok: false }, 'p(99)<50': { ok: true } },
      },
      'http_req_duration{expected_response:true}': { type: 'trend', contains: 'time', values: trend(10, 1, 10, 20, 18, 19) },
      http_reqs: { type: 'counter', contains: 'default', values: { count: 4, rate: 2 } },
      my_rate: { type: 'rate', contains: 'default', values: { rate: 0.5, passes: 1, fails: 1 }, thresholds: { 'rate>0.9': { ok: false } } },
      vus: { type: 'gauge', contains: 'default', values: { value: 1, min: 1, max: 2 } },
    },
  };
}

const dots = (n: number) => '.'.repeat(n);

describe('k6 v1/v2 summary text (summary-text-v2)', () => {
  it('compact: thresholds, totals (checks block with its own width, sections CUSTOM first, padded columns), hidden metrics', () => {
    const report = buildSummaryReport({ data: data(), mode: 'compact', percentile: (m, p) => (m === 'http_req_duration' && p === 0.99 ? 45 : undefined) });
    const text = renderTextSummaryV2(report, { enableColors: false, summaryTrendStats: data().options.summaryTrendStats, summaryTimeUnit: '' });
    // the widest name of the metrics block is `  { expected_response:true }` (28) at indent 4: 32
    const expected = [
      '',
      '  █ THRESHOLDS ',
      '',
      '    http_req_duration',
      "    ✗ 'p(95)<20' p(95)=28ms",
      "    ✓ 'p(99)<50' p(99)=45ms",
      '',
      '    my_rate',
      "    ✗ 'rate>0.9' rate=50.00%",
      '',
      '',
      '  █ TOTAL RESULTS ',
      '',
      `    checks_total${dots(7)}: 4      2/s`,
      `    checks_succeeded${dots(3)}: 75.00% 3 out of 4`,
      `    checks_failed${dots(6)}: 25.00% 1 out of 4`,
      '',
      '    ✓ status 200',
      '    ✗ body ok',
      '      ↳  0% — ✓ 0 / ✗ 1',
      '',
      '    CUSTOM',
      `    my_rate${dots(24)}: 50.00% 1 out of 2`,
      '',
      '    HTTP',
      `    http_req_duration${dots(14)}: avg=12.5ms min=1ms med=10ms max=30ms p(90)=25ms p(95)=28ms`,
      `      { expected_response:true }${dots(3)}: avg=10ms   min=1ms med=10ms max=20ms p(90)=18ms p(95)=19ms`,
      `    http_reqs${dots(22)}: 4      2/s`,
      '',
      '    EXECUTION',
      `    vus${dots(28)}: 1      min=1      max=2`,
      '',
      '    NETWORK',
      `    data_received${dots(18)}: 2.0 kB 1.0 kB/s`,
      '',
      '',
    ].join('\n');
    assert.equal(text, expected);
    assert.equal(summaryStdoutV2(report, { enableColors: false, summaryTrendStats: data().options.summaryTrendStats }), `\n${expected}\n\n`);
  });

  it('full: request phases listed; GROUP and SCENARIO sections; a failed check in a nested group indents its detail twice its level plus one', () => {
    const checks = (name: string, passes: number, fails: number): ReportChecks => {
      const total = passes + fails;
      return {
        metrics: {
          checks_total: { name: 'checks_total', type: 'counter', contains: 'default', values: { count: total, rate: total / 2 } },
          checks_succeeded: { name: 'checks_succeeded', type: 'rate', contains: 'default', values: { rate: passes / total, passes, fails } },
          checks_failed: { name: 'checks_failed', type: 'rate', contains: 'default', values: { rate: fails / total, passes: fails, fails: passes } },
        },
        ordered_checks: [{ name, passes, fails }],
      };
    };
    const empty = () => buildSummaryReport({ data: { ...data(), metrics: {} }, mode: 'full' }).metrics;
    const sub: ReportGroup = { checks: checks('deep', 1, 1), metrics: empty(), groups: {} };
    const g: ReportGroup = { metrics: empty(), groups: { sub } };
    g.metrics.custom.hits = { name: 'hits', type: 'counter', contains: 'default', values: { count: 10, rate: 5 } };
    const report: SummaryReport = { ...buildSummaryReport({ data: data(), mode: 'full' }), groups: { g } };
    report.scenarios = { zeta: { metrics: empty(), groups: {} }, alpha: { metrics: empty(), groups: {} } };
    report.scenarios.alpha!.metrics.custom.hits = { name: 'hits', type: 'counter', contains: 'default', values: { count: 1, rate: 0.5 } };
    const text = renderTextSummaryV2(report, { enableColors: false, summaryTrendStats: data().options.summaryTrendStats });
    assert.match(text, /\n {4}http_req_blocked\.+: avg=1ms/, 'full keeps the request phases');
    assert.doesNotMatch(text, /group_duration|\n {4}checks\.+:/);
    const group = text.slice(text.indexOf('  █ GROUP: g '));
    assert.equal(
      group.slice(0, group.indexOf('  █ SCENARIO')),
      [
        '  █ GROUP: g ',
        '',
        '    CUSTOM',
        `    hits${dots(3)}: 10 5/s`,
        '',
        '    ↳ GROUP: sub ',
        '',
        `      checks_total${dots(7)}: 2      1/s`,
        `      checks_succeeded${dots(3)}: 50.00% 1 out of 2`,
        `      checks_failed${dots(6)}: 50.00% 1 out of 2`,
        '',
        '      ✗ deep',
        '          ↳  50% — ✓ 1 / ✗ 1',
        '',
        '',
        '',
      ].join('\n'),
    );
    assert.ok(text.indexOf('█ SCENARIO: alpha ') < text.indexOf('█ SCENARIO: zeta '), 'scenarios sorted by name');
    assert.match(text, /█ SCENARIO: zeta \n\n$/, 'a scenario with nothing to show: its title only');
  });

  it('a report with exactly one metric: no dots on its line (k6\'s cross-block width is then the name itself), the checks block keeps its own', () => {
    const d = data();
    d.metrics = { checks: d.metrics.checks!, iterations: { type: 'counter', contains: 'default', values: { count: 2, rate: 1 } } };
    const text = renderTextSummaryV2(buildSummaryReport({ data: d, mode: 'compact' }), { enableColors: false, summaryTrendStats: d.options.summaryTrendStats });
    assert.ok(text.includes('\n    EXECUTION\n    iterations: 2 1/s\n'), text);
    assert.ok(text.includes(`\n    checks_total${dots(7)}: 4      2/s\n`), text);
  });

  it('colors: bold titles and sections, faint dots, cyan values, green/red marks (k6 ANSIFormatter codes)', () => {
    const report = buildSummaryReport({ data: data(), mode: 'compact' });
    const text = renderTextSummaryV2(report, { enableColors: true, summaryTrendStats: data().options.summaryTrendStats });
    assert.ok(text.includes('  █ \x1b[1mTOTAL RESULTS\x1b[0m \n'));
    assert.ok(text.includes('    \x1b[1mHTTP\x1b[0m\n'));
    assert.ok(text.includes(`    http_reqs\x1b[2;37m${dots(22)}:\x1b[0m \x1b[36m4\x1b[0m      \x1b[2;36m2/s\x1b[0m`));
    assert.ok(text.includes(`    \x1b[31m✗\x1b[0m \x1b[37m'rate>0.9'\x1b[0m \x1b[37mrate\x1b[0m=\x1b[36m50.00%\x1b[0m`));
    assert.ok(text.includes('    \x1b[32m✓ status 200\x1b[0m'));
  });

  it('the totals list every check once by name, in first-run order, counts summed over groups (k6 keys them by name)', () => {
    const report = buildSummaryReport({
      data: data(),
      mode: 'compact',
      checksInOrder: [
        { name: 'body ok', passes: 0, fails: 1 },
        { name: 'status 200', passes: 2, fails: 0 },
        { name: 'body ok', passes: 3, fails: 0 },
      ],
    });
    assert.deepEqual(report.checks!.ordered_checks, [
      { name: 'body ok', passes: 3, fails: 1 },
      { name: 'status 200', passes: 2, fails: 0 },
    ]);
    // without the engine's order: the tree's (root first, then the groups)
    assert.deepEqual(buildSummaryReport({ data: data(), mode: 'compact' }).checks!.ordered_checks.map((c) => c.name), ['status 200', 'body ok']);
  });

  it('sections by name prefix as k6 matches them; compact hides the request phases; one home picks the layout', () => {
    assert.equal(reportSectionOf('http_req_waiting', 'compact'), undefined);
    assert.equal(reportSectionOf('http_req_waiting', 'full'), 'http');
    assert.equal(reportSectionOf('checks_extra', 'full'), undefined, 'k6 skips by prefix: a custom metric named checks_* too');
    assert.equal(reportSectionOf('browser_web_vital_lcp', 'full'), 'web_vitals');
    assert.equal(reportSectionOf('browser_data_sent', 'full'), 'browser');
    assert.equal(reportSectionOf('ws_sessions', 'full'), 'websocket');
    assert.equal(reportSectionOf('grpc_req_duration', 'full'), 'grpc');
    assert.equal(reportSectionOf('vus_max', 'full'), 'execution');
    assert.equal(reportSectionOf('my_metric', 'full'), 'custom');
    assert.match(defaultSummaryText(data(), 'compact', false), /█ TOTAL RESULTS/);
    assert.match(defaultSummaryText(data(), 'legacy', false), /█ g/);
  });
});
