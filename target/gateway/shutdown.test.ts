import assert from 'node:assert/strict';
import http from 'node:http';
import { Redis } from 'ioredis';
import { freePort, request, sample, startRedisServer } from '../testing/index';
import { launchTarget } from '../launcher';
import { redisKeys } from '../shared/keys';

/** POST over a fresh connection; resolves with the status and id, or the network error. */
function post(url: string, body: unknown, agent: http.Agent): Promise<{ status: number; id?: string } | { error: string }> {
  return new Promise((resolve) => {
    const data = JSON.stringify(body);
    const req = http.request(`${url}/telemetry`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode!, id: JSON.parse(text).id });
        } catch {
          resolve({ status: res.statusCode! });
        }
      });
    });
    req.on('error', (e) => resolve({ error: e.message }));
    req.end(data);
  });
}

describe('gateway graceful shutdown and cluster mode (child processes, real redis-server)', function () {
  this.timeout(30_000);

  it('SIGTERM mid-stream: live turns 503, in-flight requests finish, every 202 is in Redis, exit code 0', async () => {
    await using redis = await startRedisServer();
    const gw = await launchTarget('gateway', {
      env: { PORT: String(await freePort()), REDIS_URL: redis.url, WORKERS: '1', SHUTDOWN_DELAY_MS: '300', TARGET_INJECT_DELAY_MS: '20', LOG_LEVEL: 'info' },
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const results: Awaited<ReturnType<typeof post>>[] = [];
    let sending = true;
    const clients = Array.from({ length: 8 }, async (_, c) => {
      for (let i = 0; sending && i < 500; i++) {
        const r = await post(gw.url!, sample(c * 1000 + i), agent);
        results.push(r);
        if ('error' in r) break;
      }
    });
    // SIGTERM once the stream is under way: after a count of accepted samples, not a fixed time
    // (a loaded machine accepts fewer in 400 ms); the deadline only keeps a broken gateway bounded
    const accepted = () => results.filter((r) => 'status' in r && r.status === 202).length;
    const until = performance.now() + 20_000;
    while (accepted() <= 20 && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
    gw.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const live = await request(`${gw.url}/health/live`);
    assert.equal(live.status, 503, 'live reports the shutdown during SHUTDOWN_DELAY_MS');
    const code = await gw.exited;
    sending = false;
    await Promise.all(clients);
    agent.destroy();
    assert.equal(code, 0);

    const ok = results.filter((r): r is { status: number; id: string } => 'status' in r && r.status === 202);
    assert.ok(ok.length > 20, `some samples accepted before shutdown (${ok.length})`);
    for (const r of results) if ('status' in r) assert.ok([202, 503].includes(r.status), `status ${r.status}`);
    const client = new Redis(redis.url);
    try {
      const accepted = await client.smembers(redisKeys().acceptedIds);
      const set = new Set(accepted);
      assert.equal(ok.filter((r) => !set.has(r.id)).length, 0, 'every 202 was acknowledged by Redis');
      assert.equal(await client.llen(redisKeys().queue), ok.length, 'and is queued');
    } finally {
      client.disconnect();
    }
  });

  it('WORKERS=2: /status, /metrics and /stop are right whichever process answers; SIGTERM stops all', async () => {
    await using redis = await startRedisServer();
    await using gw = await launchTarget('gateway', { env: { PORT: String(await freePort()), REDIS_URL: redis.url, WORKERS: '2' } });
    // Fresh connections each time, so the cluster spreads them over both processes.
    const sent = 20;
    for (let i = 0; i < sent; i++) await request(`${gw.url}/telemetry`, { body: sample(i), headers: { connection: 'close' } });
    const statuses = await Promise.all(Array.from({ length: 6 }, () => request(`${gw.url}/status`, { headers: { connection: 'close' } })));
    for (const s of statuses) {
      assert.equal(s.body.processes, 2);
      assert.equal(s.body.samples.accepted, sent);
      assert.equal(s.body.breaker.processes.length, 2);
    }
    const pids = new Set(statuses[0].body.breaker.processes.map((p: { pid: number }) => p.pid));
    assert.equal(pids.size, 2);
    const metrics = await (await fetch(`${gw.url}/metrics`, { headers: { connection: 'close' } })).text();
    assert.match(metrics, new RegExp(`^telemetryhub_samples_accepted_total ${sent}$`, 'm'));
    await request(`${gw.url}/stop`, { method: 'POST', headers: { connection: 'close' } });
    const after = await Promise.all(Array.from({ length: 6 }, () => request(`${gw.url}/telemetry`, { body: sample(), headers: { connection: 'close' } })));
    assert.ok(after.every((r) => r.status === 503 && r.body.code === 'INGEST_PAUSED'), 'every process paused');
    assert.equal(await gw.stop(), 0);
  });
});
