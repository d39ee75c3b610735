import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type StartedRedisServer } from '../../testing';
import { runScript } from '../conformance/run-script';
import { consoleLines } from './ws-test-server';

/**
 * k6/experimental/redis through `harness k6 run` (in-process) against a real redis-server on an
 * ephemeral loopback port. The expected lines are what real k6 v0.48 printed for the same script
 * on an empty redis-server (it also logged `Uncaught (in promise) redis: nil` for the last,
 * unhandled promise; the builtin engine does not: see docs/engine.md).
 */
const SCRIPT = "import redis from 'k6/experimental/redis';\nconst client = new redis.Client(`redis://127.0.0.1:${__ENV.RPORT}`);\nasync function show(label, f) {\n  let v;\n  try { v = await f(); } catch (e) { console.log(label, 'rejected', typeof e, e && e.message ? e.message : String(e)); return; }\n  console.log(label, 'ok', typeof v, JSON.stringify(v));\n}\nexport default async function () {\n  await show('set', () => client.set('k1', 'v1', 0));\n  await show('set-num', () => client.set('n', 5, 0));\n  await show('get', () => client.get('k1'));\n  await show('get-missing', () => client.get('nope'));\n  await show('getSet', () => client.getSet('k1', 'v2'));\n  await show('getDel', () => client.getDel('k1'));\n  await show('getDel-missing', () => client.getDel('k1'));\n  await show('del', () => client.del(['n', 'x']));\n  await show('exists', () => client.exists(['n']));\n  await show('incr', () => client.incr('c'));\n  await show('incrBy', () => client.incrBy('c', 5));\n  await show('decr', () => client.decr('c'));\n  await show('decrBy', () => client.decrBy('c', 2));\n  await show('incr-bad', () => client.set('s', 'abc', 0).then(() => client.incr('s')));\n  await show('mget', () => client.mget(['c', 'nope', 's']));\n  await show('expire', () => client.expire('c', 100));\n  await show('expire-missing', () => client.expire('zzz', 100));\n  await show('ttl', () => client.ttl('c'));\n  await show('ttl-missing', () => client.ttl('zzz'));\n  await show('persist', () => client.persist('c'));\n  await show('rpush', () => client.rpush('l', 'a', 'b', 3));\n  await show('lpush', () => client.lpush('l', 'z'));\n  await show('lrange', () => client.lrange('l', 0, -1));\n  await show('lindex', () => client.lindex('l', 1));\n  await show('lindex-out', () => client.lindex('l', 99));\n  await show('lset', () => client.lset('l', 0, 'zz'));\n  await show('lrem', () => client.lrem('l', 1, 'a'));\n  await show('llen', () => client.llen('l'));\n  await show('lpop', () => client.lpop('l'));\n  await show('rpop', () => client.rpop('l'));\n  await show('lpop-missing', () => client.lpop('nolist'));\n  await show('hset', () => client.hset('h', 'f', 'v'));\n  await show('hsetnx', () => client.hsetnx('h', 'f', 'w'));\n  await show('hget', () => client.hget('h', 'f'));\n  await show('hget-missing', () => client.hget('h', 'nof'));\n  await show('hincrby', () => client.hincrby('h', 'cnt', 3));\n  await show('hgetall', () => client.hgetall('h'));\n  await show('hkeys', () => client.hkeys('h'));\n  await show('hvals', () => client.hvals('h'));\n  await show('hlen', () => client.hlen('h'));\n  await show('hdel', () => client.hdel('h', ['f']));\n  await show('sadd', () => client.sadd('st', 'a', 'b', 1));\n  await show('srem', () => client.srem('st', 'b'));\n  await show('sismember', () => client.sismember('st', 'a'));\n  await show('sismember-no', () => client.sismember('st', 'q'));\n  await show('smembers', () => client.smembers('st').then((m) => m.sort()));\n  await show('srandmember-missing', () => client.srandmember('nost'));\n  await show('spop-missing', () => client.spop('nost'));\n  await show('randomKey', () => client.randomKey().then((k) => typeof k));\n  await show('sendCommand', () => client.sendCommand('PING'));\n  await show('wrongtype', () => client.lpush('h', 'x'));\n  await show('set-exp', () => client.set('e', 'v', 10).then(() => client.ttl('e')));\n  const bad = new redis.Client('redis://127.0.0.1:1');\n  await show('refused', () => bad.get('x'));\n  console.log('typeof promise', typeof client.get('k1').then);\n}\n";
const K6_LINES = [
  "set ok string \"OK\"",
  "set-num ok string \"OK\"",
  "get ok string \"v1\"",
  "get-missing rejected object redis: nil",
  "getSet ok string \"v1\"",
  "getDel ok string \"v2\"",
  "getDel-missing rejected object redis: nil",
  "del ok number 0",
  "exists ok number 1",
  "incr ok number 1",
  "incrBy ok number 6",
  "decr ok number 5",
  "decrBy ok number 3",
  "incr-bad rejected object ERR value is not an integer or out of range",
  "mget ok object [null]",
  "expire ok boolean true",
  "expire-missing ok boolean false",
  "ttl ok number 100",
  "ttl-missing ok number -2e-9",
  "persist ok boolean true",
  "rpush ok number 3",
  "lpush ok number 4",
  "lrange ok object [\"z\",\"a\",\"b\",\"3\"]",
  "lindex ok string \"a\"",
  "lindex-out rejected object redis: nil",
  "lset ok string \"OK\"",
  "lrem ok number 1",
  "llen ok number 3",
  "lpop ok string \"zz\"",
  "rpop ok string \"3\"",
  "lpop-missing rejected object redis: nil",
  "hset ok number 1",
  "hsetnx ok boolean false",
  "hget ok string \"v\"",
  "hget-missing rejected object redis: nil",
  "hincrby ok number 3",
  "hgetall ok object {\"f\":\"v\",\"cnt\":\"3\"}",
  "hkeys ok object [\"f\",\"cnt\"]",
  "hvals ok object [\"v\",\"3\"]",
  "hlen ok number 2",
  "hdel ok number 1",
  "sadd ok number 3",
  "srem ok number 1",
  "sismember ok boolean true",
  "sismember-no ok boolean false",
  "smembers ok object [\"1\",\"a\"]",
  "srandmember-missing rejected object redis: nil",
  "spop-missing rejected object redis: nil",
  "randomKey ok string \"string\"",
  "sendCommand ok string \"PONG\"",
  "wrongtype rejected object WRONGTYPE Operation against a key holding the wrong kind of value",
  "set-exp ok number 10",
  "refused rejected object dial tcp 127.0.0.1:1: connect: connection refused",
  "typeof promise function"
];

describe('k6 modules: k6/experimental/redis (real redis-server, through harness k6 run)', function () {
  let redis: StartedRedisServer | undefined;
  let dir: string;
  before(async function () {
    try {
      redis = await startRedisServer();
    } catch (e) {
      console.log(`    skipped: redis-server is not available (${(e as Error).message})`);
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'k6-redis-'));
  });
  after(async () => {
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const run = async (name: string, src: string, flags: string[] = []) => {
    await writeFile(join(dir, name), src);
    return runScript(join(dir, name), { flags: ['--iterations', '1', '-q', '--env', `RPORT=${redis!.port}`, ...flags] });
  };

  it('every v0.48 command: results, types, "redis: nil" rejections, server and dial errors, as real k6', async () => {
    const r = await run('r1.js', SCRIPT);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(consoleLines(r), K6_LINES);
    // no redis metrics; the traffic counts in data_sent / data_received (real k6: 1545 / 627 bytes)
    assert.deepEqual([...new Set(r.samples.map((s) => s.metric))].sort(), ['data_received', 'data_sent', 'iteration_duration', 'iterations']);
    assert.ok(r.sum('data_sent') > 1000 && r.sum('data_received') > 300, `${r.sum('data_sent')} / ${r.sum('data_received')}`);
  });

  it('a client from the init context, .then chains, options object form, shared by VUs; setup data through redis', async () => {
    const r = await run('r2.js', `
      import redis from 'k6/experimental/redis';
      import { check } from 'k6';
      const client = new redis.Client({ socket: { host: '127.0.0.1', port: Number(__ENV.RPORT) } });
      export const options = { vus: 3, iterations: 9 };
      export function setup() { return client.del('hits').then(() => client.set('greeting', 'hi', 0)); }
      export default function () {
        client.incr('hits').then((n) => check(n, { 'a number': (x) => typeof x === 'number' }));
        client.get('greeting').then((v) => check(v, { 'greeting': (x) => x === 'hi' }));
      }
      export function teardown() {
        return client.get('hits').then((n) => console.log('hits', n));
      }`, ['--vus', '3', '--iterations', '9']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(consoleLines(r), ['hits 9']);
    assert.equal(r.count('checks'), 18);
    assert.equal(r.sum('checks'), 18);
  });

  it('an invalid URL scheme is refused when the client is created', async () => {
    const r = await run('r3.js', `import redis from 'k6/experimental/redis'; const c = new redis.Client('http://127.0.0.1:1'); export default function () {}`);
    assert.equal(r.code, 107);
    assert.match(r.stderr, /GoError: invalid options; reason: redis: invalid URL scheme: http/);
  });
});
