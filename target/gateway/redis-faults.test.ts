import assert from 'node:assert/strict';
import { eventually, gatewayFor, request, sample, startRedisServer } from '../testing/index';
import { redisKeys } from '../shared/keys';
import { createFailFastRedis } from '../shared/redis';
import { CircuitBreaker } from './circuit-breaker';
import { QueueWriter } from './queue-writer';

describe('gateway when Redis dies and comes back (real redis-server)', function () {
  this.timeout(25_000);

  it('503 + Retry-After within the retry deadline, breaker opens and fails fast, then ready again after Redis returns', async () => {
    await using redis = await startRedisServer();
    const deadlineMs = 600;
    const commandTimeoutMs = 200;
    await using gw = await gatewayFor(redis.url, {
      REDIS_RETRY_DEADLINE_MS: String(deadlineMs),
      REDIS_COMMAND_TIMEOUT_MS: String(commandTimeoutMs),
      BREAKER_FAILURE_THRESHOLD: '3',
      BREAKER_OPEN_MS: '500',
    });
    assert.equal((await request(`${gw.url}/telemetry`, { body: sample(1) })).status, 202);

    await redis.kill();
    const t0 = performance.now();
    const first = await request(`${gw.url}/telemetry`, { body: sample(2) });
    const took = performance.now() - t0;
    assert.equal(first.status, 503);
    assert.equal(first.body.code, 'REDIS_UNAVAILABLE');
    assert.ok(Number(first.headers.get('retry-after')) >= 1);
    // The contract: the answer comes within the retry deadline (+ one command timeout, + slack for a loaded CI box).
    assert.ok(took < deadlineMs + commandTimeoutMs + 1500, `answered after ${took} ms`);

    // Several failed attempts opened the breaker: the next request fails fast without touching Redis.
    const st = (await request(`${gw.url}/status`)).body;
    assert.equal(st.breaker.state, 'open');
    assert.ok(st.breaker.trips >= 1);
    assert.ok(st.queue.error, 'status reports the queue as unreadable');
    const fast = await request(`${gw.url}/telemetry`, { body: sample(3) });
    assert.equal(fast.status, 503);
    assert.equal(fast.body.code, 'CIRCUIT_OPEN');
    assert.ok(Number(fast.headers.get('retry-after')) >= 1);

    const ready = await request(`${gw.url}/health/ready`);
    assert.equal(ready.status, 503);
    assert.equal((await request(`${gw.url}/health`)).body.status, 'down');
    assert.equal((await request(`${gw.url}/health/live`)).status, 200, 'the process itself is fine');
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(metrics, /^telemetryhub_redis_up 0$/m);
    assert.match(metrics, /^telemetryhub_circuit_breaker_trips_total [1-9]/m);
    assert.match(metrics, /^telemetryhub_samples_rejected_total\{reason="redis_unavailable"\} 1$/m);

    await redis.restart();
    // Half-open probes (from the readiness check) close the breaker once Redis answers.
    await eventually(() => request(`${gw.url}/health/ready`), (r) => r.status === 200, 10_000, 'ready again');
    assert.equal((await request(`${gw.url}/status`)).body.breaker.state, 'closed');
    assert.equal((await request(`${gw.url}/telemetry`, { body: sample(4) })).status, 202);
    const d = (await request(`${gw.url}/health/detailed`)).body;
    assert.ok(d.recent_errors_60s.redis >= 1);
    assert.ok(d.recent_errors_60s.http5xx >= 2);
  });

  it('starts while Redis is down (not ready, 503s) and becomes ready when it appears', async () => {
    await using redis = await startRedisServer();
    await redis.kill();
    await using gw = await gatewayFor(redis.url, { REDIS_RETRY_DEADLINE_MS: '200', BREAKER_OPEN_MS: '200' });
    assert.equal((await request(`${gw.url}/health/ready`)).status, 503);
    assert.equal((await request(`${gw.url}/telemetry`, { body: sample() })).status, 503);
    await redis.restart();
    await eventually(() => request(`${gw.url}/health/ready`), (r) => r.status === 200, 10_000, 'ready');
    assert.equal((await request(`${gw.url}/telemetry`, { body: sample() })).status, 202);
  });
  it('the breaker probes as soon as the Redis client reconnects, not when its open interval says', async () => {
    await using redis = await startRedisServer();
    const client = createFailFastRedis(redis.url, { name: 'reconnect-test' });
    try {
      // Ten minutes open: within this test only the reconnect (QueueWriter's wiring) can end it.
      const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 600_000, minOpenMs: 600_000 });
      new QueueWriter(client, redisKeys('reconnect-test:'), breaker, { capacity: 10, rateLimitPerDevice: 0, retryDeadlineMs: 0, retryBackoffMs: 1 });
      await eventually(async () => client.status, (s) => s === 'ready', 10_000, 'client ready');
      await redis.kill();
      await assert.rejects(breaker.exec(() => client.ping()));
      assert.equal(breaker.state, 'open');
      await redis.restart();
      await eventually(async () => breaker.state, (s) => s === 'half-open', 10_000, 'half-open once the client reconnected');
      assert.equal(await breaker.exec(() => client.ping()), 'PONG');
      assert.equal(breaker.state, 'closed');
    } finally {
      client.disconnect();
    }
  });
});
