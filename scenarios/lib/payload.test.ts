/**
 * The payload generator stays in sync with the gateway: every generated sample and batch passes
 * the gateway's own JSON schema (target/gateway/schema.ts) through fastify's validator, the one
 * the gateway runs. Test code only: scenario code never imports target/.
 */
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { batchSchema, sampleSchema } from '../../target/gateway/schema';

(globalThis as Record<string, unknown>).__ENV = {};
const { makeBatch, makeSample, sampleBody, batchBody } = await import('./payload');

describe('scenarios/lib payloads vs the gateway schema', () => {
  const app = Fastify();
  app.post('/telemetry', { schema: { body: sampleSchema } }, async () => 'ok');
  app.post('/telemetry/batch', { schema: { body: batchSchema(1000) } }, async () => 'ok');
  after(() => app.close());

  const post = (url: string, payload: string) =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });

  it('every generated sample is valid', async () => {
    for (let vu = 1; vu <= 2000; vu += 333) {
      for (let iter = 0; iter < 40; iter += 3) {
        const r = await post('/telemetry', sampleBody(makeSample(vu, iter)));
        assert.equal(r.statusCode, 200, r.body);
      }
    }
  });

  it('a generated batch is valid, and the validator does reject a bad sample (control)', async () => {
    const ok = await post('/telemetry/batch', batchBody(makeBatch(9999, 12345, 50)));
    assert.equal(ok.statusCode, 200, ok.body);
    const bad = await post('/telemetry', JSON.stringify({ ...makeSample(1, 1), timestamp: 'yesterday' }));
    assert.equal(bad.statusCode, 400);
  });
});
