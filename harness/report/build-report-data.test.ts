import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReportData } from './build-report-data';
import { FIXTURE_T0, k6Percentile, writeFixtureRun, type FixtureTruth } from './testing/fixture-run';
import type { ReportData } from './report-data';

describe('harness/report buildReportData (one streaming pass over a run directory)', () => {
  let dir: string;
  let truth: FixtureTruth;
  let data: ReportData;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'report-data-'));
    truth = writeFixtureRun(dir);
    data = await buildReportData(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('one row per threshold, from Metric lines and summary.json (submetrics), with observed value, verdict and abortOnFail', () => {
    const rows = data.thresholds.map((t) => [t.key, t.source, t.ok, t.abortOnFail]);
    assert.deepEqual(rows, [
      ['http_req_duration', 'p(95)<500', true, false],
      ['http_req_duration', 'p(99)<1000', true, true],
      ['http_req_duration{name:GET /health}', 'max<0.001', false, null],
      ['http_req_failed', 'rate<0.01', false, false],
      ['checks', 'rate>0.9', true, false],
    ]);
    const value = (key: string, source: string) => data.thresholds.find((t) => t.key === key && t.source === source)!.value!;
    assert.equal(value('http_req_failed', 'rate<0.01'), truth.failed / truth.requests);
    assert.ok(Math.abs(value('http_req_duration', 'p(95)<500') - k6Percentile(truth.durations, 95)) < 1e-9, 'exact k6 percentile (the engine sinks)');
    assert.equal(value('http_req_duration{name:GET /health}', 'max<0.001'), Math.max(...truth.healthDurations));
  });

  it('per-second series: one point per second, request counts add up, fault window from the journal', () => {
    assert.equal(data.step, 1);
    assert.equal(data.series.t.length, truth.seconds);
    assert.equal(data.series.t[0], FIXTURE_T0 / 1000);
    assert.equal(data.series.reqs.reduce((a, b) => a + b, 0), truth.requests);
    assert.equal(data.series.errorsByStatus['503'].reduce((a, b) => a + b, 0), truth.failed);
    assert.deepEqual(Object.keys(data.series.reqsByStatus), ['200', '202', '503']);
    assert.ok(data.series.p99[5]! > 200 && data.series.p99[1]! < 100, 'latency rises inside the fault window');
    assert.deepEqual(data.series.vus.slice(0, 3), [5, 6, 7]);
    const fault = data.windows.find((w) => w.kind === 'fault')!;
    assert.deepEqual([fault.name, fault.start - FIXTURE_T0, fault.end - FIXTURE_T0], ['redis-latency', 4000, 7000]);
    assert.deepEqual(data.windows.filter((w) => w.kind === 'phase').map((w) => w.name), ['baseline', 'recovery']);
  });

  it('checks with passes and fails per group, endpoints by name tag', () => {
    const checks = Object.fromEntries(data.checks.map((c) => [`${c.group}|${c.name}`, { passes: c.passes, fails: c.fails }]));
    assert.deepEqual(checks, truth.checks);
    const post = data.endpoints.find((e) => e.name === 'POST /telemetry')!;
    assert.equal(post.count + data.endpoints.find((e) => e.name === 'GET /health')!.count, truth.requests);
    assert.equal(post.failed, truth.failed);
  });

  it('metadata and the command that reproduces the run', () => {
    assert.equal(data.meta.command, "harness run fixture --seed 42 --runtime local --engine builtin --duration 12s --env 'FOO=a b'");
    assert.equal(data.meta.gitCommit, '0123456789abcdef0123456789abcdef01234567');
    assert.equal(data.meta.verdict, 'thresholds crossed');
  });

  it("a chaos experiment's hypothesis thresholds (chaos-result-<name>.json) join the table, marked as chaos's", async () => {
    const chaosDir = mkdtempSync(join(tmpdir(), 'report-chaos-'));
    try {
      writeFixtureRun(chaosDir);
      const thresholds = [
        { key: 'http_req_failed{phase:baseline}', threshold: 'rate<0.01', actual: 0, ok: true, samples: 150 },
        { key: 'accepted{phase:recovery}', threshold: 'rate>0.99', actual: null, ok: false, samples: 0 },
      ];
      writeFileSync(join(chaosDir, 'chaos-result-redis-latency.json'), JSON.stringify({ name: 'redis-latency', thresholds }));
      const d = await buildReportData(chaosDir);
      assert.deepEqual(
        d.thresholds.filter((t) => t.origin === 'chaos').map((t) => [t.key, t.source, t.value, t.ok]),
        [
          ['http_req_failed{phase:baseline}', 'rate<0.01', 0, true],
          ['accepted{phase:recovery}', 'rate>0.99', null, false],
        ],
      );
      assert.equal(d.thresholds.length, data.thresholds.length + 2);
    } finally {
      rmSync(chaosDir, { recursive: true, force: true });
    }
  });

  it('abortOnFail of every row, submetrics too, from the scenario\'s own definitions (thresholds.json); null only in older run directories', async () => {
    const declaredDir = mkdtempSync(join(tmpdir(), 'report-declared-'));
    try {
      writeFixtureRun(declaredDir);
      // as the run session writes it at compile time: the script's literal thresholds in k6's object form
      const declared = {
        http_req_duration: [{ threshold: 'p(95)<500', abortOnFail: false }, { threshold: 'p(99)<1000', abortOnFail: true }],
        // the same expression as its metric's, with another flag: the line's flag must not leak to it
        'http_req_duration{name:GET /health}': [{ threshold: 'max<0.001', abortOnFail: true, delayAbortEval: '10000ms' }, { threshold: 'p(99)<1000', abortOnFail: false }],
        http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: false }],
        checks: [{ threshold: 'rate>0.9', abortOnFail: false }],
        'http_req_duration{name:POST /nowhere}': [{ threshold: 'p(90)<100', abortOnFail: true }],
      };
      writeFileSync(join(declaredDir, 'thresholds.json'), JSON.stringify(declared));
      const d = await buildReportData(declaredDir);
      assert.deepEqual(
        d.thresholds.map((t) => [t.key, t.source, t.abortOnFail]),
        [
          ['http_req_duration', 'p(95)<500', false],
          ['http_req_duration', 'p(99)<1000', true],
          ['http_req_duration{name:GET /health}', 'max<0.001', true],
          ['http_req_duration{name:GET /health}', 'p(99)<1000', false],
          ['http_req_duration{name:POST /nowhere}', 'p(90)<100', true],
          ['http_req_failed', 'rate<0.01', false],
          ['checks', 'rate>0.9', false],
        ],
      );
      assert.deepEqual(d.thresholds.find((t) => t.key === 'http_req_duration{name:GET /health}')!.ok, false, "k6's verdict still from summary.json");
    } finally {
      rmSync(declaredDir, { recursive: true, force: true });
    }
  });

  it('target charts from target.ndjson.gz: per-second rates from the counters (across a failed scrape), rejections by reason, queue, breaker', async () => {
    const targetDir = mkdtempSync(join(tmpdir(), 'report-target-'));
    try {
      const t = writeFixtureRun(targetDir, { target: true }).target!;
      const d = await buildReportData(targetDir);
      const s = d.target!;
      assert.ok(s, 'target series');
      assert.equal(s.step, 1);
      assert.equal(s.scrapes, truth.seconds);
      assert.deepEqual(s.t, Array.from({ length: truth.seconds }, (_, i) => FIXTURE_T0 / 1000 + i));
      assert.deepEqual(s.accepted, t.accepted);
      assert.deepEqual(s.processed, t.processed);
      assert.deepEqual(s.queued, t.queued);
      assert.deepEqual(s.breaker, t.breaker);
      assert.deepEqual(Object.keys(s.rejectedByReason), ['redis_unavailable']);
      // the labelled counter first shows up with the first rejection: counted from zero since the scrape before
      assert.deepEqual(s.rejectedByReason.redis_unavailable, [null, null, null, null, 20, null, 20, 0, 0, 0, 0, 0]);
      assert.deepEqual(s.rejectedByReason.redis_unavailable.slice(4), t.rejected.slice(4));
      assert.ok(s.redisMemory.every((v) => v !== null && v >= 2 ** 20) && s.redisOps[3] === 103);
      assert.ok(s.redisUp.every((v, i) => v === (i === 5 ? null : 1)), 'Redis up from the gateway: none in the failed scrape');
      assert.equal(data.target, undefined, 'a run directory without target.ndjson: no target series');
    } finally {
      rmSync(targetDir, { recursive: true, force: true });
    }
  });

  it('target charts stay bounded: past MAX_POINTS neighbours merge, rates stay exact, gauges keep the highest', async () => {
    const { TargetTable } = await import('./target-table');
    const table = new TargetTable(100);
    for (let sec = 0; sec < 1000; sec++) table.add({ t: 1_000_000 + sec * 1000, g: [{ n: 'telemetryhub_samples_accepted_total', v: sec * 10 }, { n: 'telemetryhub_queue_size', v: sec % 7 }] });
    const s = table.series()!;
    assert.ok(s.t.length <= 100, `${s.t.length} points`);
    assert.equal(s.step, 16);
    assert.ok(s.accepted.slice(1).every((v) => v === 10), 'a steady 10/s stays 10/s merged');
    assert.ok(s.queued.every((v) => v === 6), 'the highest queue of each merged point');
  });

  it('a run longer than MAX_POINTS seconds halves its resolution instead of growing', async () => {
    const { SeriesTable } = await import('./series-table');
    const t = new SeriesTable(100);
    for (let s = 0; s < 1000; s++) t.add(s, { reqs: 1, status: '200' });
    const series = t.series();
    assert.ok(series.t.length <= 100, `${series.t.length} points`);
    assert.equal(t.step, 16);
    assert.equal(series.reqs.reduce((a, b) => a + b, 0), 1000);
  });
});
