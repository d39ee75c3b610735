import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { freePort } from './free-port';
import { startRedisServer } from './redis-server';

describe('test helper: startRedisServer', function () {
  this.timeout(15_000);

  it('starts on a free loopback port without persistence; kill, restart on the same port, idempotent stop', async () => {
    const redis = await startRedisServer();
    assert.match(redis.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
    const c = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    c.on('error', () => {});
    try {
      assert.equal(await c.config('GET', 'save').then((x) => (x as string[])[1]), '');
      assert.equal(await c.config('GET', 'appendonly').then((x) => (x as string[])[1]), 'no');
      await c.set('k', 'v');
      const pid = redis.pid;
      await redis.kill();
      assert.equal(redis.pid, undefined);
      await assert.rejects(c.ping());
      await redis.restart();
      assert.notEqual(redis.pid, pid);
      for (let i = 0; i < 40 && c.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(await c.get('k'), null, 'fresh data set after restart');
    } finally {
      c.disconnect();
      await redis.stop();
      await redis.stop();
    }
  });

  it('fails with a hint when the binary is missing', async () => {
    await assert.rejects(startRedisServer({ bin: '/nonexistent/redis-server' }), (e: { hint?: string }) => /apt-get install/.test(e.hint ?? ''));
  });

  it('freePort returns a bindable port', async () => {
    const p = await freePort();
    assert.ok(p > 0 && p < 65536);
  });
});
