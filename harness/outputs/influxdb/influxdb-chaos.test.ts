import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chaos } from '../../commands/chaos';
import { runsRoot } from '../../run';
import { captureContext, throwawayProject } from '../../testing';
import { useVictoriaMetrics } from './testing/victoria-metrics';

describe('harness chaos --out influxdb: phases, faults and events in a real VictoriaMetrics @slow', function () {
  this.timeout(180_000);
  const vm = useVictoriaMetrics();
  let cwd: string;
  before(async function () {
    cwd = await throwawayProject('harness-influx-chaos-');
  });
  after(async () => {
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('redis-latency: every request counted once, tagged chaos_phase (and fault while it is active); inject/restored as annotation points', async () => {
    const ctx = captureContext(cwd);
    const code = await chaos({ experiment: 'redis-latency', runtime: 'local', duration: '4s', seed: 7, env: ['HARNESS_RATE=20'], out: [`influxdb=${vm.url}/k6`], watchdog: false }, ctx);
    assert.equal(code, 0, ctx.err());
    const [id] = readdirSync(runsRoot(cwd));
    const runDir = join(runsRoot(cwd), id);
    const requests = gunzipSync(readFileSync(join(runDir, 'samples.ndjson.gz'))).toString('utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"metric":"http_reqs","type":"Point"')).length;
    const mine = (await vm.export()).filter((s) => s.metric.run_id === id);

    const reqs = mine.filter((s) => s.metric.__name__ === 'http_reqs_count');
    assert.equal(
      reqs.reduce((n, s) => n + s.values.reduce((a, b) => a + b, 0), 0),
      requests,
      'sum of counts = requests in the stream',
    );
    assert.deepEqual([...new Set(reqs.map((s) => s.metric.chaos_phase))].sort(), ['baseline', 'fault', 'recovery']);
    assert.ok(reqs.filter((s) => s.metric.chaos_phase === 'fault').every((s) => s.metric.fault === 'gateway-redis-latency'));
    assert.ok(reqs.filter((s) => s.metric.chaos_phase !== 'fault').every((s) => s.metric.fault === undefined));

    const events = mine.filter((s) => s.metric.__name__ === 'chaos_events_value');
    const named = (e: string) => events.find((s) => s.metric.event === e);
    assert.equal(named('inject')?.metric.fault, 'gateway-redis-latency');
    assert.equal(named('restored')?.metric.fault, 'gateway-redis-latency');
    assert.ok(named('verdict'), 'the last entry (after the load) is written too');
    assert.equal(named('inject')?.metric.scenario, named('verdict')?.metric.scenario);
    assert.match(ctx.err(), /influxdb: \d+ points \(rollup\): \d+ written, 0 spooled, 0 replayed/);
  });
});
