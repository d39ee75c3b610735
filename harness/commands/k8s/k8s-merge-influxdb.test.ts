import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLines, type MetricInfo, type Sample, type StreamRecord } from '../../../vocabulary/samples';
import { influxdbOutput, readRunPoints, type InfluxOutputContext } from '../../outputs/influxdb';
import { useInfluxDB1 } from '../../outputs/influxdb/testing/influxdb-1';
import { useVictoriaMetrics } from '../../outputs/influxdb/testing/victoria-metrics';
import { parse } from 'yaml';
import { operatorRunnerCommand, type TestRun } from '../../k8s';
import { freePort, runHarness, startDelayServer, throwawayProject, type DelayServer } from '../../testing';
import { findRealK6, requireRealTool } from '../../testing/real-tools';

/**
 * `harness k8s merge --from-influxdb`: two runners' real k6 JSON streams pushed through the real
 * `--out influxdb` output (shape raw) into a real InfluxDB 1.6 and a real VictoriaMetrics, read
 * back by the spawned binary: the merged run equals the file-based merge of the same streams.
 */
describe('harness k8s merge --from-influxdb (spawned; real InfluxDB 1.x and VictoriaMetrics) @slow', function () {
  this.timeout(240_000);
  const influx1 = useInfluxDB1();
  const vm = useVictoriaMetrics();
  let project: string;
  let server: DelayServer;
  let base: string;
  let runId: string;
  let byFiles: { code: number | null; summary: Summary; stderr: string };
  const streams: Record<'fast' | 'slow', { metrics: MetricInfo[]; samples: Sample[] }> = { fast: { metrics: [], samples: [] }, slow: { metrics: [], samples: [] } };

  const records = (text: string): StreamRecord[] => {
    const out: StreamRecord[] = [];
    decodeLines(text, out);
    return out;
  };

  type Summary = { metrics: Record<string, { count?: number; rate?: number; thresholds?: Record<string, boolean>; values?: unknown }> };

  const SCRIPT = `import http from 'k6/http';
import { Counter, Rate } from 'k6/metrics';
const mine = new Counter('my_counter');
const okRate = new Rate('my_rate');
export const options = {
  vus: 2,
  iterations: Number(__ENV.ITER),
  thresholds: { http_req_duration: ['p(90)<100'], 'http_reqs{delay:slow}': ['count>=0'], my_rate: ['rate>0.5'] },
};
export default function () {
  http.get(\`\${__ENV.BASE_URL}/?d=\${__ENV.DELAY}\`, { tags: { delay: Number(__ENV.DELAY) > 50 ? 'slow' : 'fast' } });
  mine.add(2, { kind: 'x y,z=1' });
  okRate.add(Number(__ENV.DELAY) < 50);
}
`;

  const harness = (args: string[]) => runHarness(args, { cwd: project, timeoutMs: 120_000 });

  const round = (o: object) => JSON.parse(JSON.stringify(o, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(9)) : v)));
  const runDir = () => join(project, 'reports', 'runs', runId);
  const summaryOf = async (): Promise<Summary> => JSON.parse(await readFile(join(runDir(), 'summary.json'), 'utf8'));

  /** One runner's stream through the real output, as a runner with `--out influxdb=URL/k6` (shape raw) writes it. */
  async function push(url: string, file: string): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'k8s-push-'));
    try {
      const out = influxdbOutput(`${url}/k6`, { url, org: 'harness', bucket: 'k6', shape: 'raw', dropTags: ['vu', 'iter', 'url'], sampleTarget: false });
      out.check();
      const ctx: InfluxOutputContext = { runId, runDir: dir, cwd: dir, log: () => {} };
      await out.onEngineStart(file, ctx);
      await out.onSamplesFile(file, ctx);
      const info: Record<string, unknown> = {};
      await out.afterRun({ info }, ctx);
      const rec = info.influxdb as { produced: number; written: number; metricPoints: number };
      assert.equal(rec.written, rec.produced, `every point written to ${url}: ${JSON.stringify(rec)}`);
      assert.ok(rec.metricPoints >= 5, 'a k6_metrics point per metric');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  before(async function () {
    project = await throwawayProject('k8s-merge-influx-');
    await writeFile(join(project, 'merge-test.js'), SCRIPT);
    server = await startDelayServer();
    base = server.url;
    const render = await harness(['k8s', 'render', 'merge-test.js', '--parallelism', '2', '--target-url', base, '--out', 'rendered']);
    assert.equal(render.code, 0, render.stderr);
    runId = (JSON.parse(await readFile(join(project, 'rendered', 'harness-k8s.json'), 'utf8')) as { runId: string }).runId;
    // the fast runner keeps its thresholds (in its Metric lines, so in k6_metrics); it passes them alone
    const fast = await harness(['k6', 'run', '--quiet', '--out', 'json=fast.json', '-e', `BASE_URL=${base}`, '-e', 'DELAY=1', '-e', 'ITER=40', 'merge-test.js']);
    assert.equal(fast.code, 0, `the fast runner passes alone\n${fast.stderr}`);
    const slow = await harness(['k6', 'run', '--quiet', '--no-thresholds', '--out', 'json=slow.json', '-e', `BASE_URL=${base}`, '-e', 'DELAY=150', '-e', 'ITER=10', 'merge-test.js']);
    assert.equal(slow.code, 0, slow.stderr);
    for (const k of ['fast', 'slow'] as const) {
      for (const r of records(await readFile(join(project, `${k}.json`), 'utf8'))) {
        if (r.type === 'Metric') streams[k].metrics.push(r.metric);
        else streams[k].samples.push(r.sample);
      }
    }
    const merged = await harness(['k8s', 'merge', 'rendered', 'fast.json', 'slow.json']);
    byFiles = { code: merged.code, summary: await summaryOf(), stderr: merged.stderr };
    assert.equal(byFiles.code, 99, `the file-based merge: 10 of 50 requests take 150 ms, p90 >= 100\n${merged.stderr}`);
    const saved = await harness(['baseline', 'save', runId, '--name', 'files']);
    assert.equal(saved.code, 0, saved.stderr);
    await rm(runDir(), { recursive: true, force: true });
    for (const k of ['fast', 'slow'] as const) {
      await push(influx1.url, join(project, `${k}.json`));
      await push(vm.url, join(project, `${k}.json`));
    }
    await vm.export(); // VictoriaMetrics: flush what it took, so it is searchable
  });
  after(async () => {
    server?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });
  afterEach(async () => rm(runDir(), { recursive: true, force: true }));

  /** A sample as compared: metric, µs (or ms), value, tags minus what the output adds. */
  const key = (s: Sample, ms: boolean, drop: string[]) => {
    const tags = Object.entries(s.tags)
      .filter(([k, v]) => !drop.includes(k) && v !== '') // line protocol has no empty tag value (k6's `group=""`)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    // VictoriaMetrics: ms, and values through its decimal storage (about 12 significant digits; compared to 9)
    return `${s.metric}|${ms ? Math.floor(Math.round(s.time * 1000) / 1000) : Math.round(s.time * 1000)}|${ms ? Number(s.value.toPrecision(9)) : s.value}|${tags}`;
  };

  for (const server of ['influxdb-1', 'victoria-metrics'] as const) {
    const url = () => (server === 'influxdb-1' ? influx1.url : vm.url);
    const ms = server === 'victoria-metrics';
    // VictoriaMetrics keeps numeric fields only: `url` (a field in k6's schema) does not come back
    const lost = ms ? ['url'] : [];

    it(`${server}: the round trip keeps every sample's metric, type, tags, value and time (${ms ? 'ms, as the server stores' : 'µs, as written'})`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'k8s-read-'));
      try {
        const read = await readRunPoints({ url: url(), bucket: 'k6', runId, outFile: join(dir, 'back.ndjson') });
        assert.equal(read.server, server);
        assert.deepEqual(read.untyped, []);
        const back = { metrics: [] as MetricInfo[], samples: [] as Sample[] };
        for (const r of records(await readFile(join(dir, 'back.ndjson'), 'utf8'))) {
          if (r.type === 'Metric') back.metrics.push(r.metric);
          else back.samples.push(r.sample);
        }
        const original = [...streams.fast.samples, ...streams.slow.samples];
        assert.ok(original.length > 300, `a real stream (${original.length} samples)`);
        assert.deepEqual(back.samples.map((s) => key(s, ms, ['run_id', 'testid'])).sort(), original.map((s) => key(s, ms, lost)).sort());
        const types = (ms: MetricInfo[]) => Object.fromEntries(ms.map((m) => [m.name, `${m.type}/${m.contains}/${JSON.stringify(m.thresholds)}`]));
        assert.deepEqual(types(back.metrics), types(streams.fast.metrics), 'Metric lines: type, contains, thresholds');
        assert.equal(types(back.metrics).my_counter, 'counter/default/[]');
        assert.equal(types(back.metrics).my_rate, 'rate/default/["rate>0.5"]');
        for (let i = 1; i < back.samples.length; i++) assert.ok(back.samples[i].time >= back.samples[i - 1].time, 'in time order');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it(`${server}: the spawned merge gives the file-based merge's counts, verdict (99), report, junit and --baseline gate`, async () => {
      const r = await harness(['k8s', 'merge', 'rendered', '--from-influxdb', `${url()}/k6`, '--baseline', 'files']);
      assert.equal(r.code, byFiles.code, r.stderr);
      assert.match(r.stderr, new RegExp(`read \\d+ samples of \\d+ metrics of run ${runId} from .* \\(${server}\\)`));
      assert.match(r.stderr, /influxdb: 50 iterations, 50 requests/);
      assert.match(r.stdout, /http_reqs[.\s]+: 50\b/);
      const s = await summaryOf();
      for (const m of ['http_reqs', 'iterations', 'my_counter', 'http_reqs{delay:slow}', 'http_req_duration', 'my_rate']) {
        // a counter's rate divides by the run's span: the stored clock (µs, or ms) moves it by a hair
        const { rate, ...exact } = s.metrics[m];
        const { rate: want, ...wantExact } = byFiles.summary.metrics[m];
        if (ms) assert.deepEqual(round(exact), round(wantExact), `${m}: as merged from the files (to 12 digits)`);
        else assert.deepEqual(exact, wantExact, `${m}: as merged from the files`);
        if (typeof want === 'number' && s.metrics[m].count !== undefined) assert.ok(Math.abs((rate as number) / want - 1) < 0.01, `${m} rate ${rate} ~ ${want}`);
        else assert.equal(rate, want, `${m}`);
      }
      assert.deepEqual(s.metrics.http_req_duration.thresholds, { 'p(90)<100': true }, 'failed, judged once over both runners');
      assert.deepEqual(s.metrics.my_rate.thresholds, { 'rate>0.5': false }, '40 of 50 true: passed');
      assert.equal((await readFile(join(runDir(), 'exit-code'), 'utf8')).trim(), '99');
      for (const f of ['report.html', 'junit.xml', 'summary.md', 'samples.ndjson.gz', 'gate.md']) assert.ok(existsSync(join(runDir(), f)), f);
      // gated against the file merge of the same streams (saved as baseline `files`): no regression
      assert.doesNotMatch(await readFile(join(runDir(), 'gate.md'), 'utf8'), /REGRESSED/);
      assert.match(await readFile(join(runDir(), 'gate.md'), 'utf8'), /^## Performance gate: /);
      const run = JSON.parse(await readFile(join(runDir(), 'run.json'), 'utf8')) as { runtime: string; engine: string };
      assert.equal(run.runtime, 'kubernetes');
      assert.match(run.engine, new RegExp(`influxdb \\(${server}`));
    });
  }

  it('without the rendered folder: --run-id, thresholds from the k6_metrics points (the metrics\' own; submetric ones live in the folder)', async () => {
    const r = await harness(['k8s', 'merge', '--from-influxdb', influx1.url, '--bucket', 'k6', '--run-id', runId]);
    assert.equal(r.code, 99, r.stderr);
    const s = await summaryOf();
    assert.deepEqual(s.metrics.http_req_duration.thresholds, { 'p(90)<100': true });
    assert.equal(s.metrics.http_reqs.count, 50);
    assert.equal(s.metrics['http_reqs{delay:slow}'], undefined);
  });

  it('real k6 runners rendered with --influxdb (k6\'s own output, no k6_metrics): built-in types, the same counts and verdict as their JSON', async function () {
    const k6 = findRealK6();
    requireRealTool(this, k6);
    assert.ok(k6.found);
    await writeFile(join(project, 'real-test.js'), `import http from 'k6/http';
export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 2, iterations: 30 } }, thresholds: { http_req_duration: ['p(90)<100'], checks: ['rate>=0'] } };
export default function () { http.get(\`\${__ENV.BASE_URL}/?d=\${__ITER % 3 === 0 ? 150 : 1}\`); }
`);
    const render = await harness(['k8s', 'render', 'real-test.js', '--parallelism', '2', '--target-url', base, '--influxdb', `${influx1.url}/k6real`, '--out', 'rendered-real']);
    assert.equal(render.code, 0, render.stderr);
    const real = JSON.parse(await readFile(join(project, 'rendered-real', 'harness-k8s.json'), 'utf8')) as { runId: string };
    const tr = parse(await readFile(join(project, 'rendered-real', 'testrun.yaml'), 'utf8')) as TestRun;
    const cm = parse(await readFile(join(project, 'rendered-real', 'script.yaml'), 'utf8')) as { data: Record<string, string> };
    await writeFile(join(project, 'mounted.js'), cm.data[tr.spec.script.configMap.file!]);
    for (let i = 1; i <= 2; i++) {
      const [, ...argv] = operatorRunnerCommand(tr, i, 'mounted.js', { address: `127.0.0.1:${await freePort()}` });
      // the runner as rendered (--out influxdb=…), plus its JSON for the file merge to compare with
      const r = await new Promise<{ status: number | null; stderr: string }>((done) => {
        const child = execFile(k6.tool.path, [...argv, '--out', `json=real-${i}.json`], { cwd: project, timeout: 120_000 }, (_e, _o, stderr) => done({ status: child.exitCode, stderr }));
      });
      assert.equal(r.status, 0, r.stderr);
    }
    const files = await harness(['k8s', 'merge', 'rendered-real', 'real-1.json', 'real-2.json']);
    const dir = join(project, 'reports', 'runs', real.runId);
    const want = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Summary;
    await rm(dir, { recursive: true, force: true });
    const db = await harness(['k8s', 'merge', 'rendered-real', '--from-influxdb', `${influx1.url}/k6real`]);
    assert.equal(db.code, files.code, db.stderr);
    assert.equal(db.code, 99, 'a third of the requests take 150 ms');
    assert.doesNotMatch(db.stderr, /read as trends/, 'every metric of this script is a k6 built-in');
    const got = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Summary;
    await rm(dir, { recursive: true, force: true });
    for (const m of ['http_reqs', 'iterations', 'checks', 'http_req_failed']) assert.equal(got.metrics[m]?.count ?? got.metrics[m]?.values, want.metrics[m]?.count ?? want.metrics[m]?.values, m);
    assert.equal(got.metrics.http_reqs.count, 30);
    const { rate: _r, ...dur } = got.metrics.http_req_duration;
    const { rate: _w, ...wantDur } = want.metrics.http_req_duration;
    assert.deepEqual(dur, wantDur, 'trend stats from the same values (µs timestamps, exact values)');
  });

  it('an unknown run id is invalid input (104, a hint); an unreachable server is infra (110, a hint); neither leaves a run', async () => {
    const unknown = await harness(['k8s', 'merge', '--from-influxdb', `${vm.url}/k6`, '--run-id', 'no-such-run']);
    assert.equal(unknown.code, 104, unknown.stderr);
    assert.match(unknown.stderr, /no samples of run id "no-such-run"/);
    assert.match(unknown.stderr, /--run-id/);
    const port = await freePort();
    const down = await harness(['k8s', 'merge', '--from-influxdb', `http://127.0.0.1:${port}/k6`, '--run-id', runId]);
    assert.equal(down.code, 110, down.stderr);
    assert.match(down.stderr, /cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    assert.match(down.stderr, /--from-influxdb/);
    const noDb = await harness(['k8s', 'merge', '--from-influxdb', `${influx1.url}/nodb`, '--run-id', runId]);
    assert.equal(noDb.code, 104, noDb.stderr);
    assert.match(noDb.stderr, /database not found/);
    const files = await harness(['k8s', 'merge', 'rendered', 'fast.json', '--from-influxdb', influx1.url]);
    assert.equal(files.code, 104, files.stderr);
    assert.ok(!existsSync(runDir()), 'no run directory');
    for (const x of [unknown, down, noDb, files]) assert.doesNotMatch(x.stderr, /\n\s+at /);
  });
});
