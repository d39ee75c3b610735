import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { useVictoriaMetrics } from '../../outputs/influxdb/testing/victoria-metrics';
import type { RunEngine } from '../../run';
import { captureContext, runHarness, throwawayProject } from '../../testing';
import { run } from '../run';

const harness = (cwd: string, ...args: string[]) => runHarness(args, { cwd, env: { INFLUX_URL: '' } });

describe('harness push: a run spooled while InfluxDB was down, pushed later', function () {
  this.timeout(120_000);
  const vm = useVictoriaMetrics();
  let cwd: string;
  before(async function () {
    cwd = await throwawayProject('harness-push-');
  });
  after(async () => {
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('the run passes with the database down; push exits 110 while it is down, 0 once it is up, and a second push sends nothing', async () => {
    await vm.stop();
    const engine: RunEngine = {
      name: 'stand-in',
      async run(req) {
        const t = Date.now() - 60_000;
        for (let i = 0; i < 500; i++) appendFileSync(req.args.outJsonPath!, `${JSON.stringify({ metric: 'pushed_reqs', type: 'Point', data: { time: new Date(t + i).toISOString(), value: i, tags: {} } })}\n`);
        return 0;
      },
    };
    const ctx = captureContext(cwd, { env: { HARNESS_INFLUXDB_SHAPE: 'raw' } });
    const code = await run({ scenario: 'smoke', runtime: 'external', targetUrl: 'http://127.0.0.1:9', out: [`influxdb=${vm.url}/k6`], watchdog: false, runId: 'push-run', engineOverride: engine }, ctx);
    assert.equal(code, 0, `the verdict does not depend on the database: ${ctx.err()}`);
    const runDir = join('reports', 'runs', 'push-run');
    assert.match(ctx.err(), /influxdb: 500 points \(raw\): 0 written, 500 spooled, 0 replayed; 500 waiting in .*influxdb-spool: harness push reports\/runs\/push-run/);

    const down = await harness(cwd, 'push', runDir, '--url', `${vm.url}/k6`);
    assert.equal(down.code, 110, down.stderr);
    assert.match(down.stderr, /pushed 0 of 500 points/);

    await vm.start();
    const up = await harness(cwd, 'push', runDir, '--url', `${vm.url}/k6`);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /pushed 500 points from reports\/runs\/push-run/);
    const again = await harness(cwd, 'push', runDir, '--url', `${vm.url}/k6`);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to push/);

    const values = (await vm.export()).filter((s) => s.metric.run_id === 'push-run').flatMap((s) => s.values);
    assert.equal(values.length, 500, 'every point once');
    const rec = JSON.parse(readFileSync(join(cwd, runDir, 'run.json'), 'utf8')).influxdb;
    assert.deepEqual([rec.written, rec.spooled, rec.replayed, rec.pending], [0, 500, 500, 0]);
  });

  it('usage errors exit 104: not a run directory, a bad URL', async () => {
    const r = await harness(cwd, 'push', 'nowhere');
    assert.equal(r.code, 104, r.stderr);
    assert.match(r.stderr, /not a run directory/);
    const u = await harness(cwd, 'push', 'nowhere', '--url', 'not a url');
    assert.equal(u.code, 104, u.stderr);
    assert.match(u.stderr, /not a URL/);
  });
});
