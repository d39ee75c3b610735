import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createMetricRegistry, MetricsEngine } from '../metrics';
import { parseThresholdsConfig, validateThresholds, ThresholdsEvaluator, thresholdsCrossedMessage } from '../../../vocabulary';
import {
  buildSummaryData,
  encodeSamples,
  gojaStringify,
  logfmtLine,
  parseJsonStream,
  renderBanner,
  renderExecutionDescription,
  renderTextSummary,
  summaryDataJson,
  summaryExportJson,
  summaryResult,
  type SummaryData,
} from '.';

/**
 * The strongest check we have: the samples real k6 v0.48 wrote for ref.js (out-json.ndjson), fed
 * through our engine, must give the very numbers k6 put in summary-export.json and
 * handle-summary-data.json — to the last bit.
 */
const REF = new URL('../conformance/fixtures/k6-v0.48/', import.meta.url);
const read = (f: string) => readFileSync(new URL(f, REF), 'utf8');
const REF_DURATION_MS = 2005.937797;

function runRef() {
  const text = read('out-json.ndjson');
  const { samples } = parseJsonStream(text);
  const registry = createMetricRegistry();
  registry.getOrCreate('telemetry_accepted', 'counter', 'default'); // new Counter('telemetry_accepted')
  registry.getOrCreate('payload_bytes', 'trend', 'default'); // new Trend('payload_bytes')
  const { config, problems } = parseThresholdsConfig({
    http_req_failed: ['rate<0.01'],
    'http_req_duration{scenario:ingest}': ['p(95)<200', 'p(99)<500'],
    checks: ['rate>0.99'],
    telemetry_accepted: ['count>10'],
  });
  assert.deepEqual([...problems, ...validateThresholds(config, registry)], []);
  const engine = new MetricsEngine({ registry });
  const thresholds = new ThresholdsEvaluator(config, engine);
  engine.pushMany(samples);
  const final = thresholds.evaluate(REF_DURATION_MS, { final: true });
  const data = buildSummaryData({ engine, thresholds, testRunDurationMs: REF_DURATION_MS, setupData: { started: 1795329664113 } });
  return { text, samples, engine, final, data };
}

describe('k6 v0.48 reference (ref.js)', () => {
  it('aggregates the recorded samples into exactly k6 handleSummary data', () => {
    const { data } = runRef();
    assert.deepEqual(data, JSON.parse(read('handle-summary-data.json')));
  });

  it('produces exactly k6 summary-export.json (values, legacy threshold booleans, groups as objects)', () => {
    const { data } = runRef();
    assert.deepEqual(JSON.parse(summaryExportJson(data)), JSON.parse(read('summary-export.json')));
  });

  it('crosses the same thresholds as k6 (stderr.txt)', () => {
    const { final } = runRef();
    assert.deepEqual(final.breached, ['http_req_failed']);
    assert.equal(final.shouldAbort, false);
    assert.equal(logfmtLine('error', thresholdsCrossedMessage(final.breached), {}, Date.parse('2026-11-22T06:41:06.5Z')), read('stderr.txt'));
  });

  it('serialises like goja, byte for byte, given the same key order (Go map order is random in k6)', () => {
    // Re-serialise the reference files with their own key order: our goja-compatible stringify
    // must reproduce them byte for byte, including goja's indentation quirk after `{}` / `[]`.
    const hs = read('handle-summary-data.json');
    assert.equal(summaryDataJson(JSON.parse(hs), 2), hs);
    const se = read('summary-export.json');
    assert.equal(gojaStringify(JSON.parse(se), 4), se.replace(/\n$/, ''));
  });

  it('round-trips the --out json stream: identical lines except sub-µs time digits', () => {
    const { text, samples, engine } = runRef();
    const ours = encodeSamples(samples, new Set(), engine).split('\n');
    const theirs = text.split('\n');
    assert.equal(ours.length, theirs.length);
    const timeRe = /"time":"([^"]+)"/;
    for (let i = 0; i < theirs.length; i++) {
      const a = theirs[i].replace(timeRe, '"time":"T"');
      const b = ours[i].replace(timeRe, '"time":"T"');
      assert.equal(b, a, `line ${i + 1}`);
      const ta = timeRe.exec(theirs[i])?.[1];
      const tb = timeRe.exec(ours[i])?.[1];
      if (ta && tb) {
        assert.equal(tb.slice(0, 23), ta.slice(0, 23), `line ${i + 1} time to the µs`);
        assert.ok(Math.abs(Date.parse(ta) - Date.parse(tb)) < 1);
      }
    }
  });

  it('uses handleSummary output instead of the default summary, and adds --summary-export', () => {
    const { data } = runRef();
    const r = summaryResult({ data, handleSummaryResult: { stdout: 'handleSummary replaced stdout\n' }, summaryExportPath: 'export.json' });
    assert.equal(r.stdout, 'handleSummary replaced stdout\n');
    assert.equal(r['export.json'], summaryExportJson(data));
    assert.match(read('stdout.txt'), /\nhandleSummary replaced stdout\n/);
  });

  it('renders the banner and the execution description as in stdout.txt', () => {
    const desc = renderExecutionDescription({
      script: 'ref.js',
      outputs: ['json (points.ndjson)'],
      maxVUs: 6,
      maxDurationMs: 630_000,
      scenarios: [
        { name: 'probe', description: '3 iterations for each of 1 VUs (maxDuration: 10m0s, exec: probe, gracefulStop: 30s)' },
        { name: 'ingest', description: '20.00 iterations/s for 2s (maxVUs: 5, gracefulStop: 30s)' },
      ],
    });
    assert.ok(read('stdout.txt').startsWith(renderBanner() + desc + '\n'));
    const desc2 = renderExecutionDescription({
      script: 'ref2.js',
      outputs: [],
      maxVUs: 3,
      maxDurationMs: 630_000,
      scenarios: [{ name: 'default', description: '9 iterations shared among 3 VUs (maxDuration: 10m0s, gracefulStop: 30s)' }],
    });
    assert.ok(read('stdout2.txt').startsWith(renderBanner() + desc2 + '\n'));
  });
});

describe('k6 v0.48 reference (ref2.js summary text)', () => {
  /** A value that humanises to exactly `shown` (display truncates, so aim mid-way into the last digit). */
  function fromShown(shown: string): number {
    const m = /^([\d.]+)(ns|µs|ms|s)$/.exec(shown);
    if (!m) throw new Error(shown);
    if (m[1] === '0') return 0;
    const v = Number(m[1]) + (m[2] === 'ns' ? 0.5 : 0.005); // ns are whole; others truncated to 2 decimals
    return v * { ns: 1e-6, µs: 1e-3, ms: 1, s: 1000 }[m[2] as 'ns']!;
  }
  const trend = (...shown: string[]) => {
    const keys = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
    return { type: 'trend' as const, contains: 'time' as const, values: Object.fromEntries(keys.map((k, i) => [k, fromShown(shown[i])])) };
  };

  it('renders the checks tree, aligned metrics, threshold marks and an empty submetric as in stdout2.txt', () => {
    const data: SummaryData = {
      root_group: {
        name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [],
        checks: [{ name: 'is 202', path: '::is 202', id: 'x', passes: 0, fails: 9 }],
      },
      options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: '', noColor: false },
      state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 7.127 },
      metrics: {
        checks: { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: 9 } },
        data_received: { type: 'counter', contains: 'data', values: { count: 1600, rate: 221000 } },
        data_sent: { type: 'counter', contains: 'data', values: { count: 1100, rate: 150000 } },
        http_req_blocked: trend('371.48µs', '972ns', '2.74µs', '1.53ms', '1.08ms', '1.31ms'),
        http_req_connecting: trend('350.64µs', '0s', '0s', '1.43ms', '1.04ms', '1.24ms'),
        http_req_duration: { ...trend('1.68ms', '213.52µs', '1.54ms', '3.56ms', '3.18ms', '3.37ms'), thresholds: { 'p(95)<1': { ok: false } } },
        'http_req_duration{status:202}': { ...trend('0s', '0s', '0s', '0s', '0s', '0s'), thresholds: { 'max<0.001': { ok: true } } },
        http_req_failed: { type: 'rate', contains: 'default', values: { rate: 1, passes: 9, fails: 0 } },
        http_req_receiving: trend('28.97µs', '9.89µs', '17.79µs', '100.85µs', '53.46µs', '77.15µs'),
        http_req_sending: trend('72.33µs', '6.91µs', '15.35µs', '206.56µs', '202.84µs', '204.7µs'),
        http_req_tls_handshaking: trend('0s', '0s', '0s', '0s', '0s', '0s'),
        http_req_waiting: trend('1.58ms', '192.11µs', '1.35ms', '3.51ms', '3.15ms', '3.33ms'),
        http_reqs: { type: 'counter', contains: 'default', values: { count: 9, rate: 1262.729896 } },
        iteration_duration: trend('2.17ms', '261.82µs', '2.43ms', '3.65ms', '3.38ms', '3.52ms'),
        iterations: { type: 'counter', contains: 'default', values: { count: 9, rate: 1262.729896 } },
      },
    };
    const stdout2 = read('stdout2.txt');
    const expected = stdout2.slice(stdout2.indexOf('\n\n     ✗ is 202') + 1, stdout2.indexOf('\n\nrunning') + 1);
    const ours = `\n${renderTextSummary(data, { indent: ' ', enableColors: false })}\n\n`;
    assert.equal(ours, expected);
  });

  it('evaluates a threshold on a submetric without samples on zero values and passes it, as k6 does', () => {
    const registry = createMetricRegistry();
    const { config } = parseThresholdsConfig({
      http_req_duration: ['p(95)<1'],
      'http_req_duration{status:202}': [{ threshold: 'max<0.001', abortOnFail: false }],
    });
    const engine = new MetricsEngine({ registry });
    const th = new ThresholdsEvaluator(config, engine);
    for (const v of [1.2, 3.5, 0.9]) engine.push({ metric: 'http_req_duration', time: 0, value: v, tags: { status: '400' } });
    const during = th.evaluate(1000, { final: false });
    assert.deepEqual(during.noSamples, []); // skipped while running
    const r = th.evaluate(7.127, { final: true });
    assert.deepEqual(r.breached, ['http_req_duration']);
    assert.deepEqual(r.noSamples, ['http_req_duration{status:202}']);
    const data = buildSummaryData({ engine, thresholds: th, testRunDurationMs: 7.127 });
    assert.deepEqual(data.metrics['http_req_duration{status:202}'], {
      type: 'trend', contains: 'time',
      values: { avg: 0, min: 0, med: 0, max: 0, 'p(90)': 0, 'p(95)': 0 },
      thresholds: { 'max<0.001': { ok: true } },
    });
    assert.equal(data.metrics['http_req_duration{expected_response:true}'], undefined); // created, never observed
    assert.equal(data.setup_data, undefined);
    assert.ok(!('setup_data' in data));
  });
});
