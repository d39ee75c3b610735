import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gojaStringify } from './goja-json';
import { writeSummaryResult } from './handle-summary';
import { goToFixed, humanizeBytes, humanizeDuration, humanizeValue, renderTextSummary } from './summary-text';
import type { SummaryData } from './summary-data';

describe('summary text', () => {
  it('humanises durations like k6 (truncating, µs/ms/s/m/h, fixed units)', () => {
    const table: Array<[number, string | null, string]> = [
      [0, null, '0s'], [0.000972, null, '972ns'], [0.0009725, null, '972ns'], [0.37148, null, '371.47µs'], [0.371485, null, '371.48µs'],
      [1.535, null, '1.53ms'], [999.999, null, '999.99ms'], [1500, null, '1.5s'], [61_500, null, '1m1s'], [3_725_000, null, '1h2m5s'],
      [1.5, 's', '0.00s'], [1234.5678, 's', '1.23s'], [1.5, 'ms', '1.50ms'], [1.5, 'us', '1500.00µs'],
    ];
    for (const [v, unit, want] of table) assert.equal(humanizeDuration(v, unit), want, `${v} ${unit}`);
  });

  it('humanises data, rates and plain values', () => {
    assert.equal(humanizeBytes(9), '9 B');
    assert.equal(humanizeBytes(9070), '9.1 kB');
    assert.equal(humanizeBytes(221000), '221 kB');
    assert.equal(humanizeBytes(12_500), '12 kB'); // goja rounds exact ties to even (V8 would print 13)
    assert.equal(humanizeBytes(2_345_678), '2.3 MB');
    assert.equal(humanizeValue(0.06382978723404255, { type: 'rate', contains: 'default' }), '6.38%');
    assert.equal(humanizeValue(0.99999, { type: 'rate', contains: 'default' }), '99.99%');
    assert.equal(humanizeValue(20.439317740220037, { type: 'counter', contains: 'default' }), '20.439318');
    assert.equal(goToFixed(0.125, 2), '0.12');
    assert.equal(goToFixed(0.375, 2), '0.38');
    assert.equal(goToFixed(1.005, 2), '1.00'); // 1.005 is below the tie in binary
  });

  const data: SummaryData = {
    root_group: {
      name: '', path: '', id: '', groups: [
        { name: 'login', path: '::login', id: '', groups: [], checks: [{ name: 'ok', path: '::login::ok', id: '', passes: 3, fails: 1 }] },
      ], checks: [],
    },
    options: { summaryTrendStats: ['avg', 'count', 'p(99.9)'], summaryTimeUnit: 'ms', noColor: false },
    state: { isStdOutTTY: true, isStdErrTTY: true, testRunDurationMs: 1000 },
    metrics: {
      vus: { type: 'gauge', contains: 'default', values: { value: 2, min: 1, max: 10 } },
      iteration_duration: { type: 'trend', contains: 'time', values: { avg: 12.3456, count: 42, 'p(99.9)': 100 } },
    },
  };

  it('honours summaryTrendStats, summaryTimeUnit, nested groups and gauges', () => {
    assert.equal(
      renderTextSummary(data, { enableColors: false }),
      [
        '     █ login\n',
        '       ✗ ok\n        ↳  75% — ✓ 3 / ✗ 1',
        '',
        '     iteration_duration...: avg=12.35ms count=42 p(99.9)=100.00ms',
        '     vus..................: 2 min=1 max=10',
      ].join('\n'),
    );
  });

  it('colours like k6 on a TTY', () => {
    const text = renderTextSummary(data, { enableColors: true });
    assert.ok(text.includes('\x1b[31m       ✗ ok\n        ↳  75% — ✓ 3 / ✗ 1\x1b[0m'));
    assert.ok(text.includes('\x1b[2m...:\x1b[0m avg=\x1b[36m12.35ms\x1b[0m'));
  });

  it('goja JSON keeps the indent leak after empty objects/arrays', () => {
    assert.equal(gojaStringify({ a: {}, b: { c: 1 } }, 2), '{\n  "a": {},\n  "b": {\n      "c": 1\n    }\n}');
    assert.equal(gojaStringify({ a: [], b: [1] }, 2), '{\n  "a": [],\n  "b": [\n      1\n    ]\n}');
    assert.equal(gojaStringify({ a: 1, u: undefined, f: () => 1, n: NaN }, 0), '{"a":1,"n":null}');
    assert.equal(gojaStringify({ x: { y: {} } }, 2), JSON.stringify({ x: { y: {} } }, null, 2)); // no sibling after: no visible leak
  });

  it('writes handleSummary results to stdout, stderr and files; collects failures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-sum-'));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c) => (out += c));
    stderr.on('data', (c) => (err += c));
    await writeSummaryResult({ stdout: 'A', stderr: 'B', 'sum.json': '{}' }, { stdout, stderr, cwd: dir });
    assert.deepEqual([out, err, readFileSync(join(dir, 'sum.json'), 'utf8')], ['A', 'B', '{}']);
    await assert.rejects(
      writeSummaryResult({ 'missing/dir/x.json': '{}' }, { stdout, stderr, cwd: dir }),
      /^Error: Could not save some summary information:\n\t- could not write 'missing\/dir\/x.json'/,
    );
  });
});
