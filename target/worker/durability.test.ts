import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { eventually, gatewayFor, request, sample, startRedisServer } from '../testing/index';
import { launchTarget } from '../launcher';
import { verifyAccounting, waitForDrain } from '../shared/accounting';
import { redisKeys } from '../shared/keys';

describe('worker durability: N accepted -> N processed (real redis-server, worker as a child process)', function () {
  this.timeout(30_000);

  it('a worker killed with SIGKILL mid-stream loses nothing: its records are recovered by the next worker', async () => {
    await using redis = await startRedisServer();
    await using gw = await gatewayFor(redis.url);
    const workerEnv = {
      REDIS_URL: redis.url,
      LOG_LEVEL: 'info',
      WORKER_PROCESSING_DELAY_MS: '1',
      WORKER_BATCH_SIZE: '20',
      WORKER_HEARTBEAT_TTL_MS: '600',
      WORKER_RECOVER_INTERVAL_MS: '200',
    };
    const first = await launchTarget('worker', { env: { ...workerEnv, WORKER_ID: 'w-first' } });
    const client = new Redis(redis.url);
    try {
      // Producer: 60 batches of 10 and 200 singles, interleaved, 10 in flight.
      let accepted = 0;
      let nonAccepted = 0;
      const jobs = Array.from({ length: 260 }, (_, i) => i);
      const send = async (i: number) => {
        const r = i % 13 < 3 ? await request(`${gw.url}/telemetry/batch`, { body: Array.from({ length: 10 }, (_, k) => sample(i * 10 + k)) }) : await request(`${gw.url}/telemetry`, { body: sample(i) });
        if (r.status === 202) accepted += r.body.count ?? 1;
        else nonAccepted++;
      };
      let killed = false;
      const producer = (async () => {
        while (jobs.length) await Promise.all(jobs.splice(0, 10).map(send));
      })();
      // Kill the worker while it holds records in its processing list.
      await eventually(() => client.hget(redisKeys().counters, 'processed'), (v) => Number(v) > 50, 15_000, 'worker made progress');
      // Freeze it until it is caught holding records, then SIGKILL: the recovery path must run.
      let inFlight = 0;
      for (let tries = 0; tries < 50 && inFlight === 0; tries++) {
        first.child.kill('SIGSTOP');
        await new Promise((r) => setTimeout(r, 20));
        inFlight = await client.llen(redisKeys().processing('w-first'));
        if (inFlight === 0) first.child.kill('SIGCONT');
      }
      assert.ok(inFlight > 0, 'caught the worker holding records');
      await first.kill();
      killed = true;
      await producer;
      assert.equal(nonAccepted, 0);
      const leftBehind = await client.llen(redisKeys().processing('w-first'));
      // A new worker with another id recovers the dead one's list once its heartbeat expires.
      await using second = await launchTarget('worker', { env: { ...workerEnv, WORKER_ID: 'w-second' } });
      const report = await waitForDrain(redis.url, { timeoutMs: 15_000 });
      assert.ok(killed);
      assert.equal(report.drained, true, JSON.stringify(report));
      assert.equal(report.accepted, accepted, 'every 202 is in the accepted set');
      assert.equal(report.processed, accepted);
      assert.equal(report.missing, 0);
      assert.equal(report.unexpected, 0);
      assert.equal(report.ok, true, JSON.stringify(report));
      assert.equal(Number(await client.hget(redisKeys().counters, 'processed')), accepted, 'nothing processed twice');
      assert.equal(await client.llen(redisKeys().processing('w-first')), 0);
      assert.ok(leftBehind >= inFlight, 'the dead worker left records behind');
      await second.stop();
      assert.equal(await second.exited, 0);
    } finally {
      client.disconnect();
      await first.stop();
    }
  });

  it('a restarted worker with the same WORKER_ID recovers its own processing list at once', async () => {
    await using redis = await startRedisServer();
    const keys = redisKeys();
    const client = new Redis(redis.url);
    try {
      // Simulate a crash after BLMOVE: three accepted records sitting in w-1's processing list.
      await client.sadd(keys.workers, 'w-1');
      for (const id of ['a', 'b', 'c']) {
        await client.sadd(keys.acceptedIds, id);
        await client.lpush(keys.processing('w-1'), JSON.stringify({ id, device_id: 'd', metrics: { x: 1 } }));
      }
      await client.hset(keys.counters, 'accepted', 3);
      await using w = await launchTarget('worker', { env: { REDIS_URL: redis.url, WORKER_ID: 'w-1' } });
      const report = await waitForDrain(redis.url, { timeoutMs: 10_000 });
      assert.deepEqual({ accepted: report.accepted, processed: report.processed, missing: report.missing, ok: report.ok }, { accepted: 3, processed: 3, missing: 0, ok: true });
    } finally {
      client.disconnect();
    }
  });

  it('a redelivered record (already processed) is counted once and reported as a duplicate', async () => {
    await using redis = await startRedisServer();
    const keys = redisKeys();
    const client = new Redis(redis.url);
    try {
      const rec = JSON.stringify({ id: 'dup-1', device_id: 'd', metrics: { x: 1 } });
      await client.sadd(keys.acceptedIds, 'dup-1');
      await client.lpush(keys.queue, rec, rec);
      await using w = await launchTarget('worker', { env: { REDIS_URL: redis.url } });
      const report = await waitForDrain(redis.url, { timeoutMs: 10_000 });
      assert.equal(report.processed, 1);
      assert.equal(report.duplicates, 1);
      assert.equal(report.ok, true);
      const again = await verifyAccounting(redis.url);
      assert.equal(again.duplicates, 1);
    } finally {
      client.disconnect();
    }
  });
});
