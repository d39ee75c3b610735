import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayFor, request, sample } from '../../target/testing';
import { startRedisServer } from '../testing';
import { readTargetRecords, type TargetScrape } from '../../vocabulary';
import { prometheusPoints } from './prometheus-points';
import { TargetFileWriter, LINES_PER_STEP } from './target-file-writer';
import { TargetSampler } from './target-sampler';

describe('target-sampling: TargetSampler against a real gateway and redis-server', function () {
  this.timeout(30_000);

  it('gateway /metrics and Redis INFO + queue length reach every subscriber; a Redis outage leaves out only Redis', async () => {
    await using redis = await startRedisServer();
    await using gw = await gatewayFor(redis.url);
    await request(`${gw.url}/start`, { method: 'POST' });
    for (let i = 0; i < 5; i++) assert.equal((await request(`${gw.url}/telemetry`, { body: sample(i) })).status, 202);
    const a: TargetScrape[] = [];
    const b: TargetScrape[] = [];
    const sampler = new TargetSampler({ gatewayUrl: gw.url, redisUrl: redis.url });
    sampler.subscribe((s) => a.push(s));
    const unsubscribe = sampler.subscribe((s) => b.push(s));
    sampler.start();
    try {
      for (let i = 0; i < 100 && !a.some((s) => s.redis); i++) {
        await new Promise((r) => setTimeout(r, 50));
        if (i % 10 === 9) await sampler.sampleOnce();
      }
      const s = a.find((x) => x.redis && x.gateway)!;
      assert.ok(s, 'a scrape with both sides');
      assert.strictEqual(b.find((x) => x.at === s.at), s, 'both subscribers get the same scrape object');
      const one = (n: string) => s.gateway!.find((p) => p.name === n);
      assert.equal(one('telemetryhub_samples_received_total')?.fields.value, 5);
      assert.ok(one('telemetryhub_queue_size'), 'queue depth');
      assert.ok(one('telemetryhub_circuit_breaker_state'), 'breaker state');
      const http = one('telemetryhub_http_request_duration_seconds');
      assert.ok(http?.fields.count && http.fields.sum && !('value' in http.fields), 'histograms as count and sum');
      assert.ok(s.redis!.used_memory > 0 && 'instantaneous_ops_per_sec' in s.redis!);
      assert.equal(typeof s.redis!.queue_length, 'number', 'LLEN of the queue, from Redis directly');

      unsubscribe();
      const before = b.length;
      await redis.kill();
      const down = await sampler.sampleOnce();
      assert.equal(b.length, before, 'an unsubscribed function gets nothing more');
      assert.ok(down?.gateway?.some((p) => p.name === 'telemetryhub_redis_up' && p.fields.value === 0), 'the gateway reports Redis down');
      assert.equal(down?.redis, undefined, 'no Redis side while it is down');
      assert.ok(sampler.counts.failures >= 1);
    } finally {
      await sampler.stop();
    }
    const n = a.length;
    await sampler.sampleOnce();
    assert.equal(a.length, n, 'stopped: no subscriber is called');
  });

  it('a gateway that does not answer: no scrape reaches subscribers, counted as a failure', async () => {
    const got: TargetScrape[] = [];
    const sampler = new TargetSampler({ gatewayUrl: 'http://127.0.0.1:9' }, { timeoutMs: 300 });
    sampler.subscribe((s) => got.push(s));
    assert.equal(await sampler.sampleOnce(), undefined);
    assert.deepEqual(got, []);
    assert.equal(sampler.counts.failures, 1);
    await sampler.stop();
  });

  it('labelled histograms keep count and sum per label set (the parser alone would drop them)', () => {
    const text = [
      '# HELP h_seconds d',
      '# TYPE h_seconds histogram',
      'h_seconds_bucket{le="0.5",route="/a"} 1',
      'h_seconds_bucket{le="+Inf",route="/a"} 2',
      'h_seconds_sum{route="/a"} 0.7',
      'h_seconds_count{route="/a"} 2',
      'h_seconds_bucket{le="+Inf",route="/b"} 1',
      'h_seconds_sum{route="/b"} 0.1',
      'h_seconds_count{route="/b"} 1',
      '# TYPE c_total counter',
      'c_total{reason="x"} 3',
      '# TYPE g gauge',
      'g 7',
    ].join('\n');
    assert.deepEqual(prometheusPoints(text), [
      { name: 'h_seconds', labels: { route: '/a' }, fields: { sum: 0.7, count: 2 } },
      { name: 'h_seconds', labels: { route: '/b' }, fields: { sum: 0.1, count: 1 } },
      { name: 'c_total', labels: { reason: 'x' }, fields: { value: 3 } },
      { name: 'g', labels: {}, fields: { value: 7 } },
    ]);
  });
});

describe('target-sampling: TargetFileWriter', () => {
  const scrape = (i: number): TargetScrape => ({
    at: 1_000_000 + i * 1000,
    gateway: [
      { name: 'telemetryhub_queue_size', labels: {}, fields: { value: i } },
      { name: 'telemetryhub_samples_rejected_total', labels: { reason: 'rate_limited' }, fields: { value: 2 * i } },
      { name: 'telemetryhub_processing_duration_seconds', labels: {}, fields: { count: i, sum: i / 10 } },
      { name: 'telemetryhub_gateway_process_cpu_seconds_total', labels: {}, fields: { value: 1 } },
      { name: 'telemetryhub_http_request_duration_seconds', labels: { route: '/x' }, fields: { count: 1, sum: 1 } },
    ],
    redis: { used_memory: 1e6, instantaneous_ops_per_sec: 10, queue_length: i, role: Number.NaN },
  });

  it('one line per scrape with the charted part only; the step doubles every LINES_PER_STEP lines (bounded file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'target-file-'));
    try {
      const w = new TargetFileWriter(join(dir, 'target.ndjson'));
      const total = LINES_PER_STEP + 2 * LINES_PER_STEP + 100;
      for (let i = 0; i < total; i++) w.write(scrape(i));
      w.close();
      const recs = [];
      for await (const r of readTargetRecords(join(dir, 'target.ndjson'))) recs.push(r);
      assert.equal(recs.length, LINES_PER_STEP + LINES_PER_STEP + 25, 'an hour at 1/s, the next two at 1/2 s, then 1/4 s');
      assert.equal(w.lines, recs.length);
      assert.deepEqual(recs[0], {
        t: 1_000_000,
        g: [
          { n: 'telemetryhub_queue_size', v: 0 },
          { n: 'telemetryhub_samples_rejected_total', l: { reason: 'rate_limited' }, v: 0 },
          { n: 'telemetryhub_processing_duration_seconds_count', v: 0 },
          { n: 'telemetryhub_processing_duration_seconds_sum', v: 0 },
        ],
        r: { used_memory: 1e6, instantaneous_ops_per_sec: 10, queue_length: 0 },
      });
      assert.equal(recs[LINES_PER_STEP + 1].t - recs[LINES_PER_STEP].t, 2000);
      assert.equal(recs.at(-1)!.t - recs.at(-2)!.t, 4000);
      assert.ok(readFileSync(join(dir, 'target.ndjson'), 'utf8').length / recs.length < 400, 'a line stays small');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
