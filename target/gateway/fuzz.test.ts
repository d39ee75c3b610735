import assert from 'node:assert/strict';
import http from 'node:http';
import { freePort, request, sample, startRedisServer } from '../testing/index';
import { launchTarget } from '../launcher';

/** mulberry32: a seeded RNG so a failing body can be reproduced from the printed seed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Case = { path: string; contentType?: string; body: Buffer | string };

const BODY_LIMIT = 1_048_576;

function makeCases(seed: number, n: number): Case[] {
  const r = rng(seed);
  const int = (k: number) => Math.floor(r() * k);
  const pick = <T>(xs: T[]): T => xs[int(xs.length)];
  const weird: unknown[] = [null, true, 0, -1, 1e308, -0, '', 'x'.repeat(300), '\u0000', '\ud800', '😀', [], {}, [[[]]], { __proto__: { a: 1 } }, 'NaN'];
  const mutants = (): unknown => {
    const s: Record<string, unknown> = { ...sample(int(1000)) };
    const k = pick(['device_id', 'timestamp', 'metrics', 'extra', 'constructor']);
    if (r() < 0.3) delete s[k];
    else s[k] = pick(weird);
    if (r() < 0.3) s.metrics = Object.fromEntries(Array.from({ length: int(150) }, (_, i) => [pick(['m' + i, '1bad', '', '__proto__', 'a'.repeat(70)]), pick([1, 'x', null, {}, 2.5])]));
    return s;
  };
  const generators: Array<() => Case> = [
    () => ({ path: '/telemetry', body: Buffer.from(Array.from({ length: int(400) }, () => int(256))) }),
    () => {
      const j = JSON.stringify(sample(int(100)));
      return { path: '/telemetry', body: j.slice(0, int(j.length)) };
    },
    () => ({ path: '/telemetry', body: JSON.stringify(mutants()) }),
    () => ({ path: '/telemetry/batch', body: JSON.stringify(Array.from({ length: int(5) }, () => (r() < 0.5 ? mutants() : pick(weird)))) }),
    () => ({ path: pick(['/telemetry', '/telemetry/batch']), body: JSON.stringify(pick(weird)) }),
    () => ({ path: '/telemetry', body: '['.repeat(1 + int(50_000)) }),
    () => ({ path: '/telemetry', body: '{"a":'.repeat(1 + int(20_000)) + '1' + '}'.repeat(int(20_000)) }),
    () => ({ path: '/telemetry', body: '{"__proto__":{"polluted":1},"device_id":"d","timestamp":1,"metrics":{"x":1}}' }),
    () => ({ path: '/telemetry', body: '{"constructor":{"prototype":{"polluted":1}}}' }),
    () => ({ path: '/telemetry', contentType: pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/jsonx', '']), body: JSON.stringify(sample()) }),
    () => ({ path: '/telemetry', body: JSON.stringify({ ...sample(), device_id: 'd'.repeat(int(1_200_000)) }) }),
    () => ({ path: '/telemetry/batch', body: JSON.stringify({ samples: pick(weird) }) }),
  ];
  return Array.from({ length: n }, () => pick(generators)());
}

function send(url: string, c: Case, agent: http.Agent): Promise<number | string> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(c.body) };
    if (c.contentType !== '') headers['content-type'] = c.contentType ?? 'application/json';
    const req = http.request(url + c.path, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', (e) => resolve(`network error: ${e.message}`));
    req.end(c.body);
  });
}

describe('gateway fuzz: thousands of malformed bodies (child process, real redis-server)', function () {
  this.timeout(30_000);

  it('never answers 5xx, never crashes, never pollutes the gateway process prototypes', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20240501);
    const cases = makeCases(seed, 3000);
    await using redis = await startRedisServer();
    await using gw = await launchTarget('gateway', { env: { PORT: String(await freePort()), REDIS_URL: redis.url, WORKERS: '1', LOG_LEVEL: 'error', BODY_LIMIT_BYTES: String(BODY_LIMIT), TARGET_DEBUG_ENDPOINTS: 'true' } });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const seen = new Map<string, number>();
    const bad: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < cases.length) {
          const i = next++;
          let status = await send(gw.url!, cases[i], agent);
          // Over the body limit the gateway may answer 413 and close before the client has
          // written the whole body: the client then sees EPIPE/ECONNRESET instead of the 413.
          if (typeof status === 'string' && Buffer.byteLength(cases[i].body) > BODY_LIMIT && /EPIPE|ECONNRESET/.test(status)) status = 413;
          seen.set(String(status), (seen.get(String(status)) ?? 0) + 1);
          if (typeof status === 'string' || status >= 500) bad.push(`#${i} (seed ${seed}) ${cases[i].path} ${String(cases[i].body).slice(0, 80)} -> ${status}`);
        }
      }),
    );
    agent.destroy();
    assert.deepEqual(bad.slice(0, 10), [], `statuses: ${JSON.stringify(Object.fromEntries(seen))}`);
    assert.ok([...seen.keys()].every((s) => ['202', '400', '413', '415'].includes(s)), JSON.stringify(Object.fromEntries(seen)));
    assert.ok((seen.get('400') ?? 0) > 1000);
    assert.equal(gw.child.exitCode, null, 'gateway still running');
    assert.equal((await request(`${gw.url}/health/live`)).status, 200);
    assert.equal((await request(`${gw.url}/telemetry`, { body: sample() })).status, 202);
    // Pollution would happen in the gateway's process, not this one: ask the gateway.
    const protos = await request(`${gw.url}/debug/prototypes`);
    assert.equal(protos.status, 200, protos.text);
    assert.equal(protos.body.pid, gw.pid, 'answered by the gateway process');
    assert.deepEqual(protos.body.changes, [], 'built-in prototypes of the gateway process changed');
  });
});
