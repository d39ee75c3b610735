import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { gatewayFor, request, sample, type StartedRedisServer, startRedisServer } from '../testing/index';
import { verifyAccounting } from '../shared/accounting';
import { redisKeys } from '../shared/keys';
import type { StartedGateway } from './server';

describe('gateway endpoints (real redis-server)', function () {
  this.timeout(20_000);
  let redis: StartedRedisServer;
  let gw: StartedGateway;
  let client: Redis;
  const keys = redisKeys();

  before(async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url);
    gw = await gatewayFor(redis.url, { BODY_LIMIT_BYTES: '4096', BATCH_MAX: '20' });
  });
  after(async () => {
    await gw?.close();
    client?.disconnect();
    await redis?.stop();
  });
  beforeEach(async () => {
    await request(`${gw.url}/reset?drain=true`, { method: 'POST' });
    await request(`${gw.url}/start`, { method: 'POST' });
  });

  it('POST /telemetry: 202 with an id only after Redis holds the record, which carries the request id', async () => {
    const r = await request(`${gw.url}/telemetry`, { body: sample(1), headers: { 'x-request-id': 'req-abc.1' } });
    assert.equal(r.status, 202);
    assert.match(r.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(r.body.request_id, 'req-abc.1');
    assert.equal(r.headers.get('x-request-id'), 'req-abc.1');
    const queued = (await client.lrange(keys.queue, 0, -1)).map((x) => JSON.parse(x));
    assert.equal(queued.length, 1);
    assert.equal(queued[0].id, r.body.id);
    assert.equal(queued[0].request_id, 'req-abc.1');
    assert.deepEqual(queued[0].metrics, sample(1).metrics);
    assert.equal(await client.sismember(keys.acceptedIds, r.body.id), 1);
  });

  it('POST /telemetry: the 202 body is exactly { id, request_id, status } as JSON', async () => {
    const res = await fetch(`${gw.url}/telemetry`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' }, body: JSON.stringify(sample(9)) });
    assert.equal(res.status, 202);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    const text = await res.text();
    const body = JSON.parse(text) as { id: string };
    assert.equal(text, JSON.stringify({ id: body.id, request_id: 'r-1', status: 202 }));
  });

  it('generates a request id when absent or unusable', async () => {
    const r = await request(`${gw.url}/telemetry`, { body: sample(2), headers: { 'x-request-id': 'bad id with spaces' } });
    assert.equal(r.status, 202);
    assert.match(r.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
  });

  it('accepts an RFC 3339 timestamp', async () => {
    const r = await request(`${gw.url}/telemetry`, { body: { ...sample(3), timestamp: '2024-05-01T12:00:00.123Z' } });
    assert.equal(r.status, 202);
  });

  it('400 with field-level reasons for schema violations, all at once', async () => {
    const r = await request(`${gw.url}/telemetry`, { body: { device_id: '', timestamp: 'yesterday', metrics: { temp: 'hot' }, extra: true } });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'VALIDATION_FAILED');
    const paths = r.body.reasons.map((x: { path: string }) => x.path);
    for (const p of ['body', 'body.device_id', 'body.timestamp', 'body.metrics.temp']) assert.ok(paths.includes(p), `${p} in ${paths}`);
    const missing = await request(`${gw.url}/telemetry`, { body: { device_id: 'x' } });
    assert.deepEqual(missing.body.reasons.map((x: { path: string }) => x.path).sort(), ['body.metrics', 'body.timestamp']);
    assert.equal(await client.llen(keys.queue), 0);
  });

  it('400 for invalid JSON and for an empty body', async () => {
    const bad = await request(`${gw.url}/telemetry`, { raw: '{"device_id": ', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'INVALID_JSON');
    const empty = await request(`${gw.url}/telemetry`, { raw: '', method: 'POST', headers: { 'content-type': 'application/json' } });
    assert.equal(empty.status, 400);
  });

  it('413 over the body limit, 415 for another content type, 404 for unknown routes', async () => {
    const big = await request(`${gw.url}/telemetry`, { raw: JSON.stringify({ ...sample(), device_id: 'x'.repeat(5000) }), headers: { 'content-type': 'application/json' } });
    assert.equal(big.status, 413);
    assert.equal(big.body.code, 'PAYLOAD_TOO_LARGE');
    const txt = await request(`${gw.url}/telemetry`, { raw: JSON.stringify(sample()), headers: { 'content-type': 'text/plain' } });
    assert.equal(txt.status, 415);
    const form = await request(`${gw.url}/telemetry`, { raw: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(form.status, 415);
    const nf = await request(`${gw.url}/nope`);
    assert.equal(nf.status, 404);
    assert.equal(nf.body.status, 404);
  });

  it('POST /telemetry/batch: all or nothing, as an array or { samples }', async () => {
    const ok = await request(`${gw.url}/telemetry/batch`, { body: [sample(1), sample(2), sample(3)] });
    assert.equal(ok.status, 202);
    assert.equal(ok.body.count, 3);
    assert.equal(ok.body.ids.length, 3);
    const wrapped = await request(`${gw.url}/telemetry/batch`, { body: { samples: [sample(4)] } });
    assert.equal(wrapped.status, 202);
    const partlyBad = await request(`${gw.url}/telemetry/batch`, { body: [sample(5), { ...sample(6), metrics: {} }] });
    assert.equal(partlyBad.status, 400);
    assert.ok(partlyBad.body.reasons.some((x: { path: string }) => x.path === 'body.1.metrics'));
    const tooMany = await request(`${gw.url}/telemetry/batch`, { body: Array.from({ length: 21 }, (_, i) => sample(i)) });
    assert.equal(tooMany.status, 400);
    const empty = await request(`${gw.url}/telemetry/batch`, { body: [] });
    assert.equal(empty.status, 400);
    assert.equal(await client.llen(keys.queue), 4);
  });

  it('POST /stop pauses ingestion (503 + Retry-After, not ready), POST /start resumes', async () => {
    assert.equal((await request(`${gw.url}/stop`, { method: 'POST' })).body.ingest, 'stopped');
    const paused = await request(`${gw.url}/telemetry`, { body: sample() });
    assert.equal(paused.status, 503);
    assert.equal(paused.body.code, 'INGEST_PAUSED');
    assert.ok(Number(paused.headers.get('retry-after')) >= 1);
    const ready = await request(`${gw.url}/health/ready`);
    assert.equal(ready.status, 503);
    assert.ok(ready.body.reasons.includes('ingestion paused'));
    assert.equal((await request(`${gw.url}/status`)).body.ingest, 'stopped');
    await request(`${gw.url}/start`, { method: 'POST', raw: '', headers: { 'content-type': 'text/plain' } });
    assert.equal((await request(`${gw.url}/telemetry`, { body: sample() })).status, 202);
    assert.equal((await request(`${gw.url}/health/ready`)).status, 200);
  });

  it('health endpoints: live, ready, overall and detailed', async () => {
    assert.deepEqual((await request(`${gw.url}/health/live`)).body, { status: 'ok' });
    const ready = await request(`${gw.url}/health/ready`);
    assert.equal(ready.status, 200);
    const overall = await request(`${gw.url}/health`);
    assert.equal(overall.status, 200);
    assert.equal(overall.body.status, 'ok');
    const d = await request(`${gw.url}/health/detailed`);
    assert.equal(d.status, 200);
    assert.equal(d.body.components.redis.status, 'up');
    assert.equal(d.body.components.breaker.status, 'closed');
    assert.equal(d.body.components.queue.status, 'ok');
    assert.equal(typeof d.body.recent_errors_60s.redis, 'number');
  });

  it('GET /status counts samples by outcome and HTTP status; POST /reset clears them, drain=true empties the queue', async () => {
    await request(`${gw.url}/telemetry`, { body: sample() });
    await request(`${gw.url}/telemetry/batch`, { body: [sample(1), sample(2)] });
    await request(`${gw.url}/telemetry`, { body: { nope: 1 } });
    const s = (await request(`${gw.url}/status`)).body;
    assert.equal(s.samples.received, 4);
    assert.equal(s.samples.accepted, 3);
    assert.equal(s.samples.rejected.invalid, 1);
    assert.equal(s.http['202'], 2);
    assert.equal(s.queue.depth, 3);
    assert.equal(s.queue.accepted_total, 3);
    assert.equal(s.breaker.state, 'closed');
    assert.equal(s.processes, 1);
    assert.equal(typeof s.uptime_s, 'number');
    assert.equal(s.version, '0.1.0');
    const reset = await request(`${gw.url}/reset?drain=true`, { method: 'POST' });
    assert.deepEqual(reset.body, { reset: true, drained: 3 });
    const after = (await request(`${gw.url}/status`)).body;
    assert.equal(after.samples.received, 0);
    assert.equal(after.queue.depth, 0);
    assert.equal((await verifyAccounting(redis.url)).accepted, 0);
  });

  it('GET /metrics exposes received/accepted/rejected, queue size, processing histogram, breaker and HTTP histograms', async () => {
    await request(`${gw.url}/telemetry`, { body: sample() });
    await request(`${gw.url}/telemetry`, { body: {} });
    const r = await fetch(`${gw.url}/metrics`);
    assert.match(r.headers.get('content-type')!, /text\/plain/);
    const text = await r.text();
    for (const re of [
      /^telemetryhub_samples_received_total 2$/m,
      /^telemetryhub_samples_accepted_total 1$/m,
      /^telemetryhub_queue_size 1$/m,
      /^telemetryhub_processing_duration_seconds_bucket\{le="\+Inf"\} \d+$/m,
      /^telemetryhub_circuit_breaker_trips_total 0$/m,
      /^telemetryhub_circuit_breaker_state 0$/m,
      /^telemetryhub_http_request_duration_seconds_count\{method="POST",route="\/telemetry",status="202"\} 1$/m,
      /^telemetryhub_redis_up 1$/m,
    ])
      assert.match(text, re);
  });

  it('rejections are counted by reason in /metrics, including schema failures', async () => {
    await request(`${gw.url}/telemetry`, { body: {} });
    await request(`${gw.url}/telemetry`, { raw: 'x', headers: { 'content-type': 'text/plain' } });
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(text, /^telemetryhub_samples_rejected_total\{reason="invalid"\} 1$/m);
    assert.match(text, /^telemetryhub_samples_rejected_total\{reason="unsupported_media_type"\} 1$/m);
    assert.match(text, /^telemetryhub_samples_received_total 2$/m);
  });
});

describe('gateway back-pressure, auth, rate limit and injected delay', function () {
  this.timeout(20_000);
  let redis: StartedRedisServer;
  before(async () => (redis = await startRedisServer()));
  after(async () => redis?.stop());

  it('429 + Retry-After when the queue is at capacity; ready turns false at the high-water mark', async () => {
    await using gw = await gatewayFor(redis.url, { QUEUE_CAPACITY: '5', QUEUE_HIGH_WATER: '4', QUEUE_RETRY_AFTER_S: '3', REDIS_KEY_PREFIX: 'bp:' });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await request(`${gw.url}/telemetry`, { body: sample(i) })).status);
    assert.deepEqual(codes, [202, 202, 202, 202, 202]);
    const full = await request(`${gw.url}/telemetry`, { body: sample(9) });
    assert.equal(full.status, 429);
    assert.equal(full.body.code, 'QUEUE_FULL');
    assert.equal(full.headers.get('retry-after'), '3');
    const batch = await request(`${gw.url}/telemetry/batch`, { body: [sample(1)] });
    assert.equal(batch.status, 429);
    const ready = await request(`${gw.url}/health/ready`);
    assert.equal(ready.status, 503);
    assert.match(ready.body.reasons.join(), /high-water/);
    const s = (await request(`${gw.url}/status`)).body;
    assert.equal(s.samples.rejected.queue_full, 2);
    assert.equal((await verifyAccounting(redis.url, { prefix: 'bp:' })).accepted, 5);
  });

  it('API key: 401 without it on ingest and control, health and status stay open', async () => {
    await using gw = await gatewayFor(redis.url, { API_KEY: 's3cret', REDIS_KEY_PREFIX: 'auth:' });
    assert.equal((await request(`${gw.url}/telemetry`, { body: sample() })).status, 401);
    assert.equal((await request(`${gw.url}/telemetry`, { body: sample(), headers: { 'x-api-key': 'wrong' } })).status, 401);
    assert.equal((await request(`${gw.url}/stop`, { method: 'POST' })).status, 401);
    assert.equal((await request(`${gw.url}/telemetry`, { body: sample(), headers: { 'x-api-key': 's3cret' } })).status, 202);
    assert.equal((await request(`${gw.url}/telemetry`, { body: sample(), headers: { authorization: 'Bearer s3cret' } })).status, 202);
    assert.equal((await request(`${gw.url}/health/ready`)).status, 200);
    assert.equal((await request(`${gw.url}/status`)).status, 200);
  });

  it('per-device rate limit: 429 RATE_LIMITED over the limit, other devices unaffected', async () => {
    await using gw = await gatewayFor(redis.url, { RATE_LIMIT_PER_DEVICE: '3', REDIS_KEY_PREFIX: 'rl:' });
    // Align to the start of a second so the 5 requests share one window.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await request(`${gw.url}/telemetry`, { body: sample(i, 'chatty') })).status);
    assert.deepEqual(codes.slice(0, 3), [202, 202, 202]);
    assert.ok(codes.slice(3).every((c) => c === 429), String(codes));
    assert.equal((await request(`${gw.url}/telemetry`, { body: sample(0, 'quiet') })).status, 202);
  });

  it('TARGET_INJECT_DELAY_MS delays each /telemetry request by at least that much', async () => {
    await using gw = await gatewayFor(redis.url, { TARGET_INJECT_DELAY_MS: '250', REDIS_KEY_PREFIX: 'delay:' });
    const t0 = performance.now();
    assert.equal((await request(`${gw.url}/telemetry`, { body: sample() })).status, 202);
    assert.ok(performance.now() - t0 >= 245);
  });
});
