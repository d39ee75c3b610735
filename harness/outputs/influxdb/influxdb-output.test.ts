import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { run } from '../../commands/run';
import type { RunEngine } from '../../run';
import { listRunIds, runsRoot } from '../../run';
import { captureContext, throwawayProject } from '../../testing';
import { useVictoriaMetrics } from './testing/victoria-metrics';

const fixture = resolve('harness/outputs/influxdb/fixtures/hits.ts');
const TOKEN = 'tok-3f1e9a-never-written';

interface Point {
  metric: string;
  time: string;
  tags: Record<string, string>;
}

/** The run's k6 JSON stream, as the test's own independent reading of it. */
function pointsOf(runDir: string): Point[] {
  return gunzipSync(readFileSync(join(runDir, 'samples.ndjson.gz'))).toString('utf8')
    .split('\n')
    .filter((l) => l.includes('"type":"Point"'))
    .map((l) => JSON.parse(l) as { metric: string; data: { time: string; tags: Record<string, string> | null } })
    .map((p) => ({ metric: p.metric, time: p.data.time, tags: p.data.tags ?? {} }));
}

function countBy<T>(xs: T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}

/** Every file of the run directory, recursively (gzip'd spool segments read raw: the token would be in clear only in plain files). */
function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesOf(join(dir, f)) : [join(dir, f)]));
}

describe('--out influxdb: a real run into a real VictoriaMetrics (/api/v2/write) @slow', function () {
  this.timeout(120_000);
  const vm = useVictoriaMetrics();
  let target: Server;
  let targetUrl: string;
  let cwd: string;

  before(async function () {
    target = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  });
  after(async () => {
    target?.close();
  });
  beforeEach(async () => (cwd = await throwawayProject('harness-influx-')));
  afterEach(async () => rm(cwd, { recursive: true, force: true }));

  async function runWith(shape: 'raw' | 'rollup') {
    const ctx = captureContext(cwd, { env: { INFLUX_TOKEN: TOKEN, HARNESS_INFLUXDB_SHAPE: shape } });
    const code = await run({ scenario: fixture, runtime: 'external', targetUrl, engine: 'builtin', out: [`influxdb=${vm.url}/k6`], watchdog: false }, ctx);
    const [id] = await listRunIds(runsRoot(cwd));
    const runDir = join(runsRoot(cwd), id);
    const mine = (await vm.export()).filter((s) => s.metric.run_id === id);
    return { code, ctx, id, runDir, mine, points: pointsOf(runDir), runJson: JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) };
  }

  it('raw: exactly one point per sample of the stream, in k6 schema, with run_id, scenario and testid; the token is never printed or written', async () => {
    const r = await runWith('raw');
    assert.equal(r.code, 0, r.ctx.err());
    assert.ok(r.points.length > 100, `a real stream (${r.points.length} points)`);
    const stored = countBy(
      r.mine.filter((s) => s.metric.__name__.endsWith('_value') && s.metric.__name__ !== 'k6_metrics_value').flatMap((s) => s.values.map(() => s.metric.__name__.replace(/_value$/, ''))),
      (m) => m,
    );
    assert.deepEqual(stored, countBy(r.points, (p) => p.metric));
    const req = r.mine.find((s) => s.metric.__name__ === 'http_req_duration_value')!;
    assert.equal(req.metric.scenario, 'default');
    assert.equal(req.metric.testid, r.id);
    assert.equal(req.metric.name, 'hit');
    // k6's tagsAsFields (vu, iter, url) are fields; VictoriaMetrics keeps numeric fields only
    assert.ok(r.points.some((p) => p.tags.url) && !r.mine.some((s) => 'url' in s.metric), 'url is a field in k6 schema, not a tag');
    // plus one point for the fixture's threshold (http_req_failed rate<0.5, passed) and one per metric (its Metric line)
    const metrics = new Set(r.points.map((p) => p.metric));
    const n = r.points.length + 1 + metrics.size;
    assert.deepEqual({ ...r.runJson.influxdb, url: undefined }, { url: undefined, bucket: 'k6', shape: 'raw', produced: n, written: n, spooled: 0, replayed: 0, pending: 0, late: 0, targetPoints: 0, thresholdPoints: 1, metricPoints: metrics.size });
    const types = Object.fromEntries(r.mine.filter((s) => s.metric.__name__ === 'k6_metrics_value').map((s) => [s.metric.metric, `${s.metric.type}/${s.metric.contains}`]));
    assert.deepEqual(Object.keys(types).sort(), [...metrics].sort());
    assert.equal(types.http_req_duration, 'trend/time');
    assert.equal(types.http_reqs, 'counter/default');
    assert.match(r.ctx.err(), new RegExp(`influxdb: ${n} points \\(raw\\): ${n} written, 0 spooled, 0 replayed`));
    const th = r.mine.find((s) => s.metric.__name__ === 'k6_thresholds_ok');
    assert.deepEqual([th?.metric.metric, th?.metric.threshold, th?.values], ['http_req_failed', 'rate<0.5', [1]]);
    for (const f of filesOf(r.runDir)) assert.ok(!readFileSync(f, 'utf8').includes(TOKEN), `token not in ${f}`);
    assert.ok(!r.ctx.out().includes(TOKEN) && !r.ctx.err().includes(TOKEN), 'token not printed');
  });

  it('rollup: one point per metric, tag set and second; counts add up to the samples', async () => {
    const r = await runWith('rollup');
    assert.equal(r.code, 0, r.ctx.err());
    const drop = new Set(['vu', 'iter', 'url']);
    // independent expectation: distinct (metric, tags minus vu/iter/url, second)
    const series = new Set(
      r.points.map((p) => {
        const tags = Object.entries(p.tags)
          .filter(([k]) => !drop.has(k))
          .sort()
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        return `${p.metric}|${tags}|${Math.floor(Date.parse(p.time) / 1000)}`;
      }),
    );
    const counts = r.mine.filter((s) => s.metric.__name__.endsWith('_count'));
    assert.equal(
      counts.reduce((n, s) => n + s.values.length, 0),
      series.size,
      'one point per metric, tag set and second',
    );
    const sumOfCounts = countBy(
      counts.flatMap((s) => s.values.flatMap((v) => Array<string>(v).fill(s.metric.__name__.replace(/_count$/, '')))),
      (m) => m,
    );
    assert.deepEqual(sumOfCounts, countBy(r.points, (p) => p.metric), 'sum of count = samples per metric');
    assert.ok(r.mine.some((s) => s.metric.__name__ === 'http_req_duration_p99'), 'trend percentiles');
    assert.ok(!r.mine.some((s) => 'vu' in s.metric || 'url' in s.metric), 'high-cardinality tags dropped');
    assert.equal(r.runJson.influxdb.produced, series.size + 1, 'and one threshold point');
    assert.equal(r.runJson.influxdb.written, series.size + 1);
  });

  it('streams while the engine runs: points arrive before the engine exits', async () => {
    // Stand-in engine: writes k6 JSON lines, then waits for them in the database before exiting.
    const engine: RunEngine = {
      name: 'stand-in',
      async run(req) {
        const file = req.args.outJsonPath!;
        const t = Date.now() - 5000;
        appendFileSync(file, `${JSON.stringify({ type: 'Metric', data: { name: 'http_reqs', type: 'counter' }, metric: 'http_reqs' })}\n`);
        for (let i = 0; i < 50; i++) appendFileSync(file, `${JSON.stringify({ metric: 'http_reqs', type: 'Point', data: { time: new Date(t + i * 100).toISOString(), value: 1, tags: { status: '200' } } })}\n`);
        for (let i = 0; i < 100; i++) {
          const arrived = (await vm.export()).filter((s) => s.metric.__name__ === 'http_reqs_count' && s.metric.run_id === 'streaming-run');
          if (arrived.length) return 0;
          await new Promise((r) => setTimeout(r, 100));
        }
        return 1; // nothing arrived while the engine ran
      },
    };
    const ctx = captureContext(cwd, { env: { GRAFANA_URL: 'http://127.0.0.1:3000/' } });
    const code = await run({ scenario: fixture, runtime: 'external', targetUrl, out: [`influxdb=${vm.url}/k6`], watchdog: false, runId: 'streaming-run', engineOverride: engine }, ctx);
    assert.equal(code, 0, ctx.err());
    // GRAFANA_URL: the run's dashboard link, printed and in run.json
    const link = JSON.parse(readFileSync(join(runsRoot(cwd), 'streaming-run', 'run.json'), 'utf8')).grafanaUrl as string;
    assert.match(link, /^http:\/\/127\.0\.0\.1:3000\/d\/harness-load-test\?var-run_id=streaming-run&from=\d+&to=\d+$/);
    assert.ok(ctx.err().includes(`grafana: ${link}`));
  });

  /** A stand-in engine writing `n` raw-shaped samples (distinct timestamps) while `during(i)` may act. */
  function writingEngine(n: number, during: (i: number, runDir: string) => Promise<void>): RunEngine {
    return {
      name: 'stand-in',
      async run(req) {
        const file = req.args.outJsonPath!;
        const t = Date.now() - 60_000;
        for (let i = 0; i < n; i++) {
          appendFileSync(file, `${JSON.stringify({ metric: 'outage_reqs', type: 'Point', data: { time: new Date(t + i).toISOString(), value: i, tags: { status: '200' } } })}\n`);
          await during(i, dirname(file));
        }
        return 0;
      },
    };
  }

  it('outage: the server stops mid-run and comes back: written + replayed = produced, nothing twice, verdict unchanged', async () => {
    const until = async (what: string, ok: () => boolean) => {
      for (let k = 0; k < 300 && !ok(); k++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(ok(), what);
    };
    const engine = writingEngine(3000, async (i, runDir) => {
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 20));
      if (i === 1000) await vm.stop();
      // the server stays down until the output has given up on a batch and spooled it
      if (i === 2000) await until('a batch was spooled', () => existsSync(join(runDir, 'influxdb-spool')));
      if (i === 2000) await vm.start();
    });
    const ctx = captureContext(cwd, { env: { HARNESS_INFLUXDB_SHAPE: 'raw' } });
    const code = await run({ scenario: fixture, runtime: 'external', targetUrl, out: [`influxdb=${vm.url}/k6`], watchdog: false, runId: 'outage-run', engineOverride: engine }, ctx);
    assert.equal(code, 0, ctx.err());
    const rec = JSON.parse(readFileSync(join(runsRoot(cwd), 'outage-run', 'run.json'), 'utf8')).influxdb;
    assert.equal(rec.produced, 3000);
    assert.ok(rec.spooled > 0, `points were spooled: ${JSON.stringify(rec)}`);
    assert.equal(rec.written + rec.replayed, rec.produced, JSON.stringify(rec));
    assert.equal(rec.pending, 0);
    const values = (await vm.export()).filter((x) => x.metric.run_id === 'outage-run').flatMap((x) => x.values);
    assert.equal(values.length, 3000, 'each point stored once');
    assert.equal(new Set(values).size, 3000);
    assert.match(ctx.err(), /influxdb: 3000 points \(raw\): \d+ written, \d+ spooled, \d+ replayed/);
  });

  it('local runtime: the target side (gateway /metrics, Redis INFO) lands in the same bucket, tagged with the run', async () => {
    const ctx = captureContext(cwd);
    const code = await run({ scenario: 'smoke', runtime: 'local', toxiproxy: 'builtin', engine: 'builtin', duration: '3s', vus: 2, out: [`influxdb=${vm.url}/k6`], watchdog: false, runId: 'target-run' }, ctx);
    assert.equal(code, 0, ctx.err());
    const mine = (await vm.export()).filter((s) => s.metric.run_id === 'target-run');
    const received = mine.filter((s) => s.metric.__name__ === 'telemetryhub_samples_received_total_value').flatMap((s) => s.values);
    assert.ok(received.length >= 2, `sampled every second: ${received.length}`);
    assert.ok(Math.max(...received) > 0, 'the gateway counted the load');
    assert.ok(mine.some((s) => s.metric.__name__ === 'telemetryhub_queue_size_value' && s.metric.source === 'gateway'));
    assert.ok(mine.some((s) => s.metric.__name__ === 'redis_used_memory' && s.metric.source === 'redis'));
    const rec = JSON.parse(readFileSync(join(runsRoot(cwd), 'target-run', 'run.json'), 'utf8')).influxdb;
    assert.ok(rec.targetPoints > 0 && rec.written === rec.produced, JSON.stringify(rec));
    // one sampler feeds both: the run directory's target.ndjson.gz has the very scrapes InfluxDB got
    const file = gunzipSync(readFileSync(join(runsRoot(cwd), 'target-run', 'target.ndjson.gz'))).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: number; g?: unknown[] });
    const inFile = new Set(file.filter((x) => x.g).map((x) => x.t));
    const inDb = mine.filter((s) => s.metric.__name__ === 'telemetryhub_queue_size_value').flatMap((s) => s.timestamps);
    assert.ok(inDb.length >= 2 && inDb.every((t) => inFile.has(t)), `every scrape InfluxDB got is in the file (${inDb.length} of ${inFile.size})`);
    assert.ok(inFile.size - inDb.length <= 1, 'and the file has at most the first scrape more (before the output subscribed)');
  });
});
