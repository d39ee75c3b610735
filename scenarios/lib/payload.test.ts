/**
 * The payload generator stays in sync with the gateway without sharing code: scenarios/lib keeps
 * its own payload shape (scenario code is bundled for k6 and imports only k6/* and scenarios/lib),
 * and this test sends what it generates to a real gateway (in-process, real redis-server), whose
 * fastify/ajv validator and settings are the ones in production: every sample and batch must be
 * accepted (202). Test code only: it may import both sides.
 */
import assert from 'node:assert/strict';
import { gatewayFor, request, startRedisServer, type StartedRedisServer } from '../../target/testing/index';
import type { StartedGateway } from '../../target/gateway/server';

(globalThis as Record<string, unknown>).__ENV = {};
const { makeBatch, makeSample, sampleBody, batchBody } = await import('./payload');
const { config } = await import('./config');

describe('scenarios/lib payloads vs the gateway (real gateway, real redis-server)', function () {
  this.timeout(30_000);
  let redis: StartedRedisServer;
  let gw: StartedGateway;
  before(async () => {
    redis = await startRedisServer();
    gw = await gatewayFor(redis.url);
  });
  after(async () => {
    await gw?.close();
    await redis?.stop();
  });

  const post = (path: string, raw: string) => request(`${gw.url}${path}`, { raw, headers: { 'content-type': 'application/json' } });

  it('every generated sample is accepted', async () => {
    for (let vu = 1; vu <= 2000; vu += 333) {
      for (let iter = 0; iter < 40; iter += 3) {
        const r = await post('/telemetry', sampleBody(makeSample(vu, iter)));
        assert.equal(r.status, 202, r.text);
      }
    }
  });

  it('generated batches (the default size and 50) are accepted, and the gateway does reject a bad sample (control)', async () => {
    for (const size of [config.batchSize, 50]) {
      const ok = await post('/telemetry/batch', batchBody(makeBatch(9999, 12345, size)));
      assert.equal(ok.status, 202, ok.text);
      assert.equal(ok.body.count, size);
    }
    const bad = await post('/telemetry', JSON.stringify({ ...makeSample(1, 1), timestamp: 'yesterday' }));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'VALIDATION_FAILED');
  });
});
