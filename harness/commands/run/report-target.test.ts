import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { ReportData } from '../../report';
import { listRunIds, reap, runsRoot } from '../../run';
import { captureContext, runHarness, throwawayProject } from '../../testing';
import { findRealK6 } from '../../testing/real-tools';
import { readSamples, readTargetRecords, type TargetRecord } from '../../../vocabulary';
import { run } from '.';

/** The data report.html embeds (what its page draws). */
function reportDataOf(runDir: string): ReportData {
  const html = readFileSync(join(runDir, 'report.html'), 'utf8');
  const m = /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html);
  assert.ok(m, 'report.html embeds its data');
  return JSON.parse(m[1]) as ReportData;
}

describe('harness run: the target sampled into the run directory, drawn by the report @slow', function () {
  this.timeout(180_000);
  let cwd: string;
  before(async () => (cwd = await throwawayProject('harness-report-target-')));
  after(async () => {
    if (!cwd) return;
    await reap({ root: runsRoot(cwd), env: process.env, log: () => {}, docker: false }).catch(() => {});
    await rm(cwd, { recursive: true, force: true });
  });

  it('`harness run smoke --runtime local` leaves target.ndjson.gz with a scrape per second of load; report.html and `harness report` draw it', async () => {
    const r = await runHarness(['run', 'smoke', '--runtime', 'local', '--engine', 'builtin', '--toxiproxy', 'none', '--duration', '3s', '--vus', '2'], { cwd, env: { K6_BIN: '' }, timeoutMs: 150_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const [id] = await readdir(runsRoot(cwd));
    const dir = join(runsRoot(cwd), id);
    assert.ok(existsSync(join(dir, 'target.ndjson.gz')) && !existsSync(join(dir, 'target.ndjson')), 'compressed once the run is over');

    const records: TargetRecord[] = [];
    for await (const rec of readTargetRecords(join(dir, 'target.ndjson.gz'))) records.push(rec);
    let first = Infinity;
    let last = -Infinity;
    for await (const s of readSamples(join(dir, 'samples.ndjson.gz'))) {
      if (s.type !== 'Point') continue;
      first = Math.min(first, s.sample.time);
      last = Math.max(last, s.sample.time);
    }
    const seconds = Math.floor((last - first) / 1000);
    assert.ok(seconds >= 2, `load ran ${seconds} s`);
    const during = records.filter((x) => x.t >= first - 1000 && x.t <= last + 1000);
    assert.ok(during.length >= seconds, `${during.length} scrapes during ${seconds} s of load`);
    const gateway = new Map(during.at(-1)!.g!.map((p) => [p.n, p.v]));
    assert.ok(gateway.get('telemetryhub_samples_accepted_total')! > 0, 'the gateway counted the load');
    assert.equal(typeof during.at(-1)!.r?.used_memory, 'number', 'Redis INFO');

    const data = reportDataOf(dir);
    assert.ok(data.target && data.target.t.length >= seconds, 'report.html has the target charts');
    assert.ok(data.target.accepted.some((v) => v !== null && v > 0));

    rmSync(join(dir, 'report.html'));
    const again = await runHarness(['report', dir], { cwd });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(reportDataOf(dir).target, data.target, '`harness report` rebuilds the same target charts');
  });
});

describe('report thresholds: abortOnFail for every row, submetrics too, with either engine @slow', function () {
  this.timeout(180_000);
  const fixture = resolve('harness/report/fixtures/submetric-thresholds.ts');
  let target: Server;
  let targetUrl: string;
  let cwd: string;
  before(async () => {
    target = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  });
  after(() => target?.close());
  beforeEach(async () => (cwd = await throwawayProject('harness-abort-on-fail-')));
  afterEach(async () => rm(cwd, { recursive: true, force: true }));

  const expected = [
    ['http_req_duration', 'p(95)<5000', false],
    ['http_req_duration', 'max<10000', true],
    ['http_req_duration{name:hit}', 'p(95)<5000', true],
    ['http_req_duration{name:hit}', 'avg<5000', false],
    ['http_reqs{name:hit}', 'count>0', false],
  ];

  for (const engine of ['builtin', 'k6'] as const) {
    it(`${engine}: the scenario's own definitions (thresholds.json) give each row true or false`, async function () {
      const env: Record<string, string> = { K6_BIN: '' };
      if (engine === 'k6') {
        const k6 = findRealK6();
        if (!k6.found) {
          console.log(`      skipped: ${k6.reason}`);
          this.skip();
        }
        env.K6_BIN = k6.tool.path;
      }
      const ctx = captureContext(cwd, { env });
      const code = await run({ scenario: fixture, runtime: 'external', targetUrl, engine, watchdog: false }, ctx);
      assert.equal(code, 0, ctx.err());
      const [id] = await listRunIds(runsRoot(cwd));
      const dir = join(runsRoot(cwd), id);
      assert.ok(!existsSync(join(dir, 'target.ndjson.gz')), 'the external runtime is not sampled');
      const data = reportDataOf(dir);
      const key = (r: Array<string | boolean | null>) => `${r[0]} ${r[1]}`;
      const rows = data.thresholds.map((t) => [t.key, t.source, t.abortOnFail]);
      assert.deepEqual(rows.sort((a, b) => key(a).localeCompare(key(b))), expected.sort((a, b) => key(a).localeCompare(key(b))));
      assert.equal(data.target, undefined);
    });
  }
});
