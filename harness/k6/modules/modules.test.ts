import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodeCrypto from 'node:crypto';
import { hmacWith } from './md4';
import { loadScript as loadScriptWith, type ScriptInput } from '../runtime/script-runtime';
import { createBuiltinRegistry } from './builtins';
import { iterationContext, testOptions } from '../runtime/test-helpers';

/** The runtime is handed its modules; these tests use the built-ins. */
const loadScript = (input: ScriptInput, opts: Parameters<typeof loadScriptWith>[1]) => loadScriptWith(input, opts, { modules: createBuiltinRegistry() });

async function runOnce(src: string, ctxOver: Parameters<typeof iterationContext>[0] = {}, vus = 1) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k6mod-'));
  fs.writeFileSync(path.join(dir, 's.js'), src);
  const opts = testOptions(dir);
  const rt = await loadScript('s.js', opts);
  const outcomes = [];
  for (let id = 1; id <= vus; id++) outcomes.push(await (await rt.newVU(id, opts)).runIteration(iterationContext(ctxOver)));
  return { opts, outcomes, logs: opts.logger.lines.map((l) => l.msg) };
}

const ingest = { tags: { flow: 'ingest', scenario: 'ingest' } };

describe('k6 modules: k6', () => {
  it('check is synchronous for synchronous predicates and awaits from the first async one, in order', async () => {
    const { opts, logs } = await runOnce(
      `import { check, sleep } from 'k6';
       class Probe { constructor(v) { this.ok = check(v, { pos: (x) => x > 0 }); } }
       export default function () {
         console.log(check(2, { a: (x) => x > 1, b: async (x) => { sleep(0.001); return x > 5; }, c: (x) => x === 2 }));
         console.log(String(new Probe(3).ok));
       }`,
      ingest,
    );
    // a constructor's calls are not awaited (runtime limitation): check still gives its boolean there
    assert.deepEqual(logs, ['false', 'true']);
    assert.deepEqual(
      opts.sink.of('checks').map((s) => [s.tags.check, s.value]),
      [['a', 1], ['b', 0], ['c', 1], ['pos', 1]],
    );
  });

  it('check emits checks with the check, group and scenario tags and returns whether all passed', async () => {
    const { opts, logs } = await runOnce(
      `import { check } from 'k6';
       export default function () {
         console.log(check(202, { 'accepted 202': (x) => x === 202 }));
         console.log(check(404, { ok: (x) => x === 200, 'truthy value': 1 }, { extra: 7 }));
       }`,
      ingest,
    );
    assert.deepEqual(logs, ['true', 'false']);
    assert.deepEqual(
      opts.sink.of('checks').map((s) => [s.value, s.tags]),
      [
        [1, { flow: 'ingest', scenario: 'ingest', group: '', check: 'accepted 202' }],
        [0, { flow: 'ingest', scenario: 'ingest', group: '', extra: '7', check: 'ok' }],
        [1, { flow: 'ingest', scenario: 'ingest', group: '', extra: '7', check: 'truthy value' }],
      ],
    );
  });

  it('group nests paths, returns the callback value and emits group_duration tagged with the group', async () => {
    const { opts, logs } = await runOnce(
      `import { check, group, sleep } from 'k6';
       export default function () {
         const r = group('health', () => { group('inner', () => { sleep(0.01); check(1, { c: () => true }); }); return 5; });
         console.log(r);
         try { group('a::b', () => {}); } catch (e) { console.log(e.message); }
       }`,
      { tags: { scenario: 'probe' } },
    );
    assert.deepEqual(logs, ['5', "group and check names may not contain '::'"]);
    assert.deepEqual(opts.sink.of('checks')[0].tags, { scenario: 'probe', group: '::health::inner', check: 'c' });
    const gd = opts.sink.of('group_duration');
    assert.deepEqual(gd.map((s) => s.tags), [
      { scenario: 'probe', group: '::health::inner' },
      { scenario: 'probe', group: '::health' },
    ]);
    assert.ok(gd[0].value >= 9, `inner group lasted ${gd[0].value} ms`);
  });

  it('fail throws an error the script can catch', async () => {
    const { logs } = await runOnce(`import { fail } from 'k6'; export default function () { try { fail('nope'); } catch (e) { console.log(e.message); } }`);
    assert.deepEqual(logs, ['nope']);
  });

  it('check and group are refused in the init context', async () => {
    await assert.rejects(runOnce(`import { check } from 'k6'; check(1, {}); export default function () {}`), /check in the init context is not supported/);
  });
});

describe('k6 modules: k6/metrics', () => {
  it('custom metrics register in init and emit with group, scenario and scenario tags plus add() tags', async () => {
    const { opts } = await runOnce(
      `import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
       const c = new Counter('telemetry_accepted'); const g = new Gauge('g1'); const r = new Rate('r1'); const t = new Trend('payload_bytes'); const tt = new Trend('tt', true);
       export default function () { c.add(1); g.add(3); r.add(true); r.add(0); t.add(52, { k: 'v' }); tt.add(1.5); console.log(c.name); }`,
      ingest,
    );
    assert.deepEqual(opts.metrics.all().map((d) => [d.name, d.type, d.contains]), [
      ['telemetry_accepted', 'counter', 'default'],
      ['g1', 'gauge', 'default'],
      ['r1', 'rate', 'default'],
      ['payload_bytes', 'trend', 'default'],
      ['tt', 'trend', 'time'],
    ]);
    assert.deepEqual(opts.sink.samples.map((s) => [s.metric, s.value]), [
      ['telemetry_accepted', 1], ['g1', 3], ['r1', 1], ['r1', 0], ['payload_bytes', 52], ['tt', 1.5],
    ]);
    assert.deepEqual(opts.sink.of('telemetry_accepted')[0].tags, { flow: 'ingest', scenario: 'ingest', group: '' });
    assert.deepEqual(opts.sink.of('payload_bytes')[0].tags, { flow: 'ingest', scenario: 'ingest', group: '', k: 'v' });
  });

  it("rejects add() in the init context, metrics declared outside it and bad names with k6's errors", async () => {
    await assert.rejects(runOnce(`import { Counter } from 'k6/metrics'; new Counter('c').add(1); export default function () {}`), /Adding to metrics in the init context is not supported/);
    await assert.rejects(runOnce(`import { Counter } from 'k6/metrics'; new Counter('bad name'); export default function () {}`), /Invalid metric name/);
    const { outcomes } = await runOnce(`import { Counter } from 'k6/metrics'; export default function () { new Counter('late'); }`);
    assert.equal(outcomes[0].status, 'failed');
    assert.match(String(outcomes[0].status === 'failed' && outcomes[0].error.message), /metrics must be declared in the init context/);
  });
});

describe('k6 modules: k6/execution', () => {
  it('exposes vu, scenario and instance views of the running iteration and mutable vu tags', async () => {
    const { opts, logs } = await runOnce(
      `import exec from 'k6/execution'; import { Counter } from 'k6/metrics'; const c = new Counter('c');
       export default function () {
         exec.vu.tags.lang = 'ts';
         c.add(1);
         console.log(exec.vu.idInTest, exec.vu.iterationInScenario, exec.vu.iterationInInstance, exec.scenario.name, exec.scenario.executor, exec.instance.vusActive, JSON.stringify(exec.test.options));
       }`,
      { iteration: 2, vuIterationInInstance: 5, tags: { scenario: 'ramp' }, scenario: { ...iterationContext().scenario, name: 'ramp', executor: 'ramping-vus' } },
    );
    assert.deepEqual(logs, ['1 2 5 ramp ramping-vus 1 {}']);
    assert.deepEqual(opts.sink.of('c')[0].tags, { scenario: 'ramp', lang: 'ts', group: '' });
  });

  it('applies exec.vu.tags as they are at each sample (the cached tag set follows changes)', async () => {
    const { opts } = await runOnce(
      `import exec from 'k6/execution'; import { Counter } from 'k6/metrics'; import { check } from 'k6'; const c = new Counter('c');
       export default function () {
         c.add(1);
         exec.vu.tags.lang = 'ts'; c.add(1); check(1, { ok: () => true });
         exec.vu.tags.lang = 'js'; c.add(1); check(1, { ok: () => true }, { extra: 1 });
         delete exec.vu.tags.lang; c.add(1); check(1, { ok: () => true });
       }`,
      { tags: { scenario: 'default' } },
    );
    assert.deepEqual(
      opts.sink.of('c').map((x) => x.tags),
      [{ scenario: 'default', group: '' }, { scenario: 'default', lang: 'ts', group: '' }, { scenario: 'default', lang: 'js', group: '' }, { scenario: 'default', group: '' }],
    );
    assert.deepEqual(
      opts.sink.of('checks').map((x) => x.tags),
      [
        { scenario: 'default', lang: 'ts', group: '', check: 'ok' },
        { scenario: 'default', lang: 'js', group: '', extra: '1', check: 'ok' },
        { scenario: 'default', group: '', check: 'ok' },
      ],
    );
  });

  it('refuses VU information in the init context', async () => {
    await assert.rejects(runOnce(`import exec from 'k6/execution'; const id = exec.vu.idInTest; export default function () {}`), /VU information in the init context/);
  });
});

describe('k6 modules: k6/data', () => {
  it('SharedArray runs its callback once per test and is read-only in every VU', async () => {
    const { logs } = await runOnce(
      `import { SharedArray } from 'k6/data';
       const data = new SharedArray('users', function () { console.log('load'); return [{ n: 'a' }, { n: 'b' }].map((x) => x); });
       export default function () {
         try { data[0].n = 'changed'; } catch (e) { console.log('frozen'); }
         console.log(data.length, data[1].n, data.map((x) => x.n).join(','));
       }`,
      {},
      3,
    );
    assert.deepEqual(logs, ['load', 'frozen', '2 b a,b', 'frozen', '2 b a,b', 'frozen', '2 b a,b']);
  });
});

describe('k6 modules: k6/encoding', () => {
  it('b64encode/b64decode with std, rawstd, url and rawurl (RFC 4648 vectors)', async () => {
    const { logs } = await runOnce(
      `import encoding from 'k6/encoding';
       export default function () {
         for (const s of ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar']) console.log(encoding.b64encode(s));
         console.log(encoding.b64encode('\\xfb\\xff', 'std'), encoding.b64encode(new Uint8Array([0xfb, 0xff]).buffer, 'url'), encoding.b64encode(new Uint8Array([0xfb, 0xff]).buffer, 'rawurl'), encoding.b64encode('f', 'rawstd'));
         console.log(encoding.b64decode('Zm9vYmFy', 'std', 's'), encoding.b64decode('Zm8', 'rawstd', 's'), new Uint8Array(encoding.b64decode('-_8', 'rawurl')).join(','), new Uint8Array(encoding.b64decode('-_8=', 'url')).join(','));
         try { encoding.b64decode('Zm8', 'std'); } catch (e) { console.log(e.message); }
         try { encoding.b64decode('Zm+/', 'url'); } catch (e) { console.log(e.message); }
       }`,
    );
    assert.deepEqual(logs, [
      '', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy',
      'w7vDvw== -_8= -_8 Zg',
      'foobar fo 251,255 251,255',
      'illegal base64 data at input byte 0',
      'illegal base64 data at input byte 2',
    ]);
  });
});

describe('k6 modules: k6/crypto', () => {
  it('the HMAC construction used for md4 matches OpenSSL when given md5', () => {
    const md5 = (b: Buffer) => nodeCrypto.createHash('md5').update(b).digest();
    for (const key of [Buffer.from('key'), Buffer.alloc(100, 7)]) {
      const data = Buffer.from('The quick brown fox jumps over the lazy dog');
      assert.equal(hmacWith(md5, key, data).toString('hex'), nodeCrypto.createHmac('md5', key).update(data).digest('hex'));
    }
  });

  it('hashes, HMAC (RFC 4231 / RFC 1320 vectors), streaming hashers and encodings', async () => {
    const { logs } = await runOnce(
      `import crypto from 'k6/crypto';
       export default function () {
         console.log(crypto.md4('abc'), crypto.md4(''), crypto.md5('abc'), crypto.sha1('abc'));
         console.log(crypto.sha256('abc', 'base64'), crypto.sha512_256('abc'), crypto.sha512_224('abc'), crypto.ripemd160('abc'));
         console.log(crypto.sha384('abc').length, crypto.sha512('abc').length);
         console.log(crypto.hmac('sha256', 'Jefe', 'what do ya want for nothing?', 'hex'));
         const h = crypto.createHash('sha1'); h.update('a'); h.update('bc'); console.log(h.digest('hex'));
         const m = crypto.createHMAC('md4', 'key'); m.update('The quick brown fox jumps over the lazy dog'); console.log(m.digest('hex'));
         console.log(crypto.md5('abc', 'base64url'), crypto.md5('abc', 'base64rawurl'), new Uint8Array(crypto.md5('abc', 'binary')).length, new Uint8Array(crypto.randomBytes(8)).length);
         try { crypto.createHash('sha3'); } catch (e) { console.log(e.message.split(';')[0]); }
       }`,
    );
    assert.deepEqual(logs, [
      'a448017aaf21d8525fc10ae87aa6729d 31d6cfe0d16ae931b73c59d7e0c089c0 900150983cd24fb0d6963f7d28e17f72 a9993e364706816aba3e25717850c26c9cd0d89d',
      'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0= 53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23 4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa 8eb208f7e05d987a9b044a8e98c6b087f15a0bfc',
      '96 128',
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      'a9993e364706816aba3e25717850c26c9cd0d89d',
      '8d3366c440a9c65124ab0b5f4ca27338',
      'kAFQmDzST7DWlj99KOF_cg== kAFQmDzST7DWlj99KOF_cg 16 8',
      'invalid algorithm: sha3',
    ]);
  });
});
