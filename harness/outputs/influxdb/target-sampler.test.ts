import assert from 'node:assert/strict';
import { gatewayFor, request, sample } from '../../../target/testing';
import { startRedisServer } from '../../testing';
import { prometheusPoints, TargetSampler } from './target-sampler';

/** measurement, tags, fields of a line (test-simple: no escaped separators in these names). */
function parse(line: string) {
  const [head, fieldText] = line.split(' ');
  const [measurement, ...tags] = head.split(',');
  return { measurement, tags: Object.fromEntries(tags.map((t) => t.split('='))), fields: Object.fromEntries(fieldText.split(',').map((f) => f.split('='))) };
}

describe('influxdb: TargetSampler against a real gateway and redis-server', function () {
  this.timeout(30_000);

  it('gateway /metrics and Redis INFO become points tagged run_id, testid and source; a Redis outage skips only Redis', async () => {
    await using redis = await startRedisServer();
    await using gw = await gatewayFor(redis.url);
    await request(`${gw.url}/start`, { method: 'POST' });
    for (let i = 0; i < 5; i++) assert.equal((await request(`${gw.url}/telemetry`, { body: sample(i) })).status, 202);
    const lines: string[] = [];
    const sampler = new TargetSampler({ gatewayUrl: gw.url, redisUrl: redis.url }, { run_id: 'r1', testid: 't1' }, (l) => lines.push(l));
    sampler.start();
    try {
    for (let i = 0; i < 100 && !lines.some((l) => l.startsWith('redis,')); i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (i % 10 === 9) await sampler.sampleOnce();
    }
    const points = lines.map(parse);
    const one = (m: string) => points.find((p) => p.measurement === m);
    assert.equal(Number(one('telemetryhub_samples_received_total')?.fields.value), 5);
    assert.deepEqual(one('telemetryhub_samples_received_total')?.tags, { run_id: 'r1', source: 'gateway', testid: 't1' });
    assert.ok(one('telemetryhub_queue_size'), 'queue depth');
    assert.ok(one('telemetryhub_circuit_breaker_state'), 'breaker state');
    const http = one('telemetryhub_http_request_duration_seconds');
    assert.ok(http?.fields.count && http.fields.sum && !('value' in http.fields), 'histograms as count and sum');
    const r = one('redis')!;
    assert.equal(r.tags.source, 'redis');
    assert.ok(Number(r.fields.used_memory) > 0 && 'instantaneous_ops_per_sec' in r.fields);

    await redis.kill();
    lines.length = 0;
    await sampler.sampleOnce();
    assert.ok(lines.some((l) => l.startsWith('telemetryhub_redis_up,') && parse(l).fields.value === '0'), 'the gateway reports Redis down');
    assert.ok(!lines.some((l) => l.startsWith('redis,')), 'no Redis INFO point while it is down');
    assert.ok(sampler.counts.failures >= 1);
    } finally {
      await sampler.stop();
    }
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
