import assert from 'node:assert/strict';
import { gatewayFor, request, startRedisServer } from '../testing/index';

describe('gateway debug routes (TARGET_DEBUG_ENDPOINTS, in-process gateway, real redis-server)', function () {
  this.timeout(20_000);

  it('GET /debug/prototypes is 404 unless enabled', async () => {
    await using redis = await startRedisServer();
    await using gw = await gatewayFor(redis.url);
    assert.equal((await request(`${gw.url}/debug/prototypes`)).status, 404);
  });

  it('reports a property added to, or changed on, a built-in prototype of its process', async () => {
    await using redis = await startRedisServer();
    await using gw = await gatewayFor(redis.url, { TARGET_DEBUG_ENDPOINTS: 'true' });
    assert.deepEqual((await request(`${gw.url}/debug/prototypes`)).body, { pid: process.pid, changes: [] });
    // This gateway runs in the test's process, so polluting here pollutes it.
    const proto = Object.prototype as Record<string, unknown>;
    const toFixed = Number.prototype.toFixed;
    try {
      proto.polluted_by_test = 1;
      Number.prototype.toFixed = () => 'x';
      const r = await request(`${gw.url}/debug/prototypes`);
      assert.deepEqual(r.body.changes, ['Object.prototype.polluted_by_test added', 'Number.prototype.toFixed changed']);
    } finally {
      delete proto.polluted_by_test;
      Number.prototype.toFixed = toFixed;
    }
    assert.deepEqual((await request(`${gw.url}/debug/prototypes`)).body.changes, []);
  });
});
