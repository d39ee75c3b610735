import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScriptLoadError } from '../types';
import { ScriptAbortedError, ScriptExceptionError } from './errors';
import { loadScript as loadScriptWith, type ScriptInput } from './script-runtime';
import { createBuiltinRegistry } from '../modules/builtins';
import { iterationContext, testOptions } from './test-helpers';

/** The runtime is handed its modules; these tests use the built-ins. */
const loadScript = (input: ScriptInput, opts: Parameters<typeof loadScriptWith>[1]) => loadScriptWith(input, opts, { modules: createBuiltinRegistry() });

function scriptDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k6rt-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('k6 runtime: loadScript and VUs', () => {
  it('reads exports from the init context: options JSON-copied, function names', async () => {
    const dir = scriptDir({
      's.js': `export const options = { vus: 2, thresholds: { checks: ['rate>0.9'] }, fn: () => 1 };
        export function setup() {} export default function () {} export function named() {} export const notFn = 1;`,
    });
    const rt = await loadScript('s.js', testOptions(dir));
    assert.deepEqual(rt.exports.options, { vus: 2, thresholds: { checks: ['rate>0.9'] } });
    assert.deepEqual(rt.exports.functions.sort(), ['default', 'named', 'setup']);
  });

  it('gives every VU its own realm: globals set in VU 1 are not visible in VU 2', async () => {
    const dir = scriptDir({
      's.js': `let n = 0; export default function () { globalThis.leak = (globalThis.leak || 0) + 1; n++; console.log(__VU, globalThis.leak, n); }`,
    });
    const opts = testOptions(dir);
    const rt = await loadScript('s.js', opts);
    const [a, b] = [await rt.newVU(1, opts), await rt.newVU(2, opts)];
    await a.runIteration(iterationContext());
    await a.runIteration(iterationContext({ iteration: 1 }));
    await b.runIteration(iterationContext());
    assert.equal(rt.realms, 'isolated');
    assert.deepEqual(opts.logger.lines.filter((l) => l.fields?.source === 'console').map((l) => l.msg), ['1 1 1', '1 2 2', '2 1 1']);
    assert.match(opts.logger.lines[0].msg, /^each VU gets a realm of its own \(more memory per VU\): .*s\.js:1:\d+ .*globalThis/);
  });

  it('runs VUs of a script that leaves built-ins alone in one realm, each with its own module scope and globals', async () => {
    const dir = scriptDir({
      's.js': `import http from 'k6/http'; import exec from 'k6/execution'; import { randomSeed } from 'k6';
        let n = 0; const mine = __VU * 10; const seen = [];
        class Box { constructor(v) { this.v = v; } get twice() { return this.v * 2; } }
        export const options = { vus: 2 };
        export default function () {
          n++; seen.push(__ITER);
          if (__VU === 2) randomSeed(7);
          exec.vu.tags.mine = String(mine);
          console.log(__VU, mine, n, __ITER, __ENV.X, seen.join('+'), new Box(n).twice, typeof http.get, Math.random() < 1, exec.vu.tags.mine);
        }`,
    });
    const opts = testOptions(dir, { env: { X: 'x' } });
    const rt = await loadScript('s.js', opts);
    assert.equal(rt.realms, 'shared');
    const [a, b] = [await rt.newVU(1, opts), await rt.newVU(2, opts)];
    await a.runIteration(iterationContext({ iteration: 0, env: { X: 'x' } }));
    await b.runIteration(iterationContext({ iteration: 5, env: { X: 'y' } }));
    await a.runIteration(iterationContext({ iteration: 1, env: { X: 'x' } }));
    assert.deepEqual(opts.logger.lines.map((l) => l.msg), [
      '1 10 1 0 x 0 2 function true 10',
      '2 20 1 5 y 5 2 function true 20',
      '1 10 2 1 x 0+1 4 function true 10',
    ]);
  });

  it('randomSeed in one VU of a shared realm seeds only that VU (the others keep an unseeded Math.random)', async () => {
    const dir = scriptDir({
      's.js': `import { randomSeed } from 'k6';
        export default function () { if (__VU === 1) randomSeed(42); console.log(__VU, Math.random(), Math.floor(2.5), Object.keys(Math).length); }`,
    });
    const opts = testOptions(dir);
    const rt = await loadScript('s.js', opts);
    assert.equal(rt.realms, 'shared');
    const vus = [await rt.newVU(1, opts), await rt.newVU(2, opts), await rt.newVU(1, opts)];
    for (const vu of vus) await vu.runIteration(iterationContext());
    const [one, two, oneAgain] = opts.logger.lines.map((l) => l.msg.split(' '));
    assert.equal(one[1], oneAgain[1], 'the same seed gives the same number');
    assert.notEqual(two[1], one[1]);
    assert.deepEqual([one[2], one[3], two[2], two[3]], ['2', '0', '2', '0'], 'the seeded Math keeps the built-in functions, not enumerable');
  });

  it('gives every VU of a shared realm its own WebCrypto global', async () => {
    const dir = scriptDir({ 's.js': `export default function () { if (__VU === 1) crypto.mine = 1; console.log(__VU, crypto.mine, typeof crypto.randomUUID()); }` });
    const opts = testOptions(dir);
    const rt = await loadScript('s.js', opts);
    assert.equal(rt.realms, 'shared');
    for (const id of [1, 2]) await (await rt.newVU(id, opts)).runIteration(iterationContext());
    assert.deepEqual(opts.logger.lines.map((l) => l.msg), ['1 1 string', '2 undefined string']);
  });

  it('can be told to give every VU its own realm (realms: isolated)', async () => {
    const dir = scriptDir({ 's.js': `export default function () { console.log(__VU); }` });
    const opts = testOptions(dir);
    const rt = await loadScriptWith('s.js', opts, { modules: createBuiltinRegistry(), realms: 'isolated' });
    assert.equal(rt.realms, 'isolated');
    await (await rt.newVU(3, opts)).runIteration(iterationContext());
    assert.deepEqual(opts.logger.lines.map((l) => l.msg), ['each VU gets a realm of its own (asked for)', '3']);
  });

  it('runs the init context per VU with __VU, and sets __ITER and __ENV per iteration', async () => {
    const dir = scriptDir({ 's.js': `const mine = __VU * 10; export default function () { console.log(mine, __ITER, __ENV.X); }` });
    const opts = testOptions(dir, { env: { X: 'test' } });
    const rt = await loadScript('s.js', opts);
    const vu = await rt.newVU(3, opts);
    await vu.runIteration(iterationContext({ iteration: 4, env: { X: 'scenario' } }));
    assert.deepEqual(opts.logger.lines.map((l) => l.msg), ['30 4 scenario']);
  });

  it('copies setup data to every VU (mutations stay local) and passes it to teardown', async () => {
    const dir = scriptDir({
      's.js': `export function setup() { return { list: [1], when: new Date(0) }; }
        export default function (data) { data.list.push(__VU); console.log(JSON.stringify(data)); }
        export function teardown(data) { console.log('teardown', JSON.stringify(data)); }`,
    });
    const opts = testOptions(dir);
    const rt = await loadScript('s.js', opts);
    const life = await rt.newLifecycleVU(opts);
    const data = await life.runSetup({ ...iterationContext(), tags: {} });
    assert.deepEqual(data, { list: [1], when: '1970-01-01T00:00:00.000Z' });
    for (const id of [1, 2]) {
      const vu = await rt.newVU(id, opts);
      await vu.runIteration(iterationContext({ data }));
      await vu.runIteration(iterationContext({ data, iteration: 1 }));
    }
    await life.runTeardown({ ...iterationContext(), tags: {}, data });
    assert.deepEqual(opts.logger.lines.map((l) => l.msg), [
      '{"list":[1,1],"when":"1970-01-01T00:00:00.000Z"}',
      '{"list":[1,1,1],"when":"1970-01-01T00:00:00.000Z"}',
      '{"list":[1,2],"when":"1970-01-01T00:00:00.000Z"}',
      '{"list":[1,2,2],"when":"1970-01-01T00:00:00.000Z"}',
      'teardown {"list":[1],"when":"1970-01-01T00:00:00.000Z"}',
    ]);
    const setupSamples = opts.sink.samples.filter((s) => s.tags.group === '::setup');
    assert.deepEqual(setupSamples.map((s) => [s.metric, s.tags]), [
      ['data_sent', { group: '::setup' }],
      ['data_received', { group: '::setup' }],
      ['iteration_duration', { group: '::setup' }],
    ]);
  });

  it('logs an exception with its stack mapped to the original TypeScript file and line', async () => {
    const dir = scriptDir({
      'lib.ts': `export function explode(n: number): number {\n  if (n > 1) {\n    throw new Error('boom ' + n);\n  }\n  return n;\n}\n`,
      's.ts': `import { explode } from './lib';\ninterface X { a: number }\nexport default function () {\n  const x: X = { a: 2 };\n  explode(x.a);\n}\n`,
    });
    const opts = testOptions(dir);
    const rt = await loadScript('s.ts', opts);
    const vu = await rt.newVU(1, opts);
    const out = await vu.runIteration(iterationContext({ scenario: { ...iterationContext().scenario, name: 'main', executor: 'shared-iterations' } }));
    assert.equal(out.status, 'failed');
    assert.equal(out.status === 'failed' && out.error.message, 'boom 2');
    const line = opts.logger.lines.find((l) => l.level === 'error')!;
    assert.match(line.msg, /^Error: boom 2\n\tat explode \(file:\/\/.*\/lib\.ts:3:11\(0\)\)\n\tat default \(file:\/\/.*\/s\.ts:5:3\(0\)\)$/);
    assert.deepEqual(line.fields, { executor: 'shared-iterations', scenario: 'main', source: 'stacktrace' });
  });

  it('interrupts a sleep when the signal aborts; the script cannot catch it', async () => {
    const dir = scriptDir({
      's.js': `import { sleep } from 'k6';
        export default function () { try { sleep(30); } catch (e) { console.log('caught'); } finally { console.log('finally'); } console.log('after'); }`,
    });
    const opts = testOptions(dir);
    const rt = await loadScript('s.js', opts);
    const vu = await rt.newVU(1, opts);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const out = await vu.runIteration(iterationContext({ signal: ac.signal }));
    assert.equal(out.status, 'interrupted');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(opts.logger.lines, []);
    // The VU keeps working for the next iteration.
    const again = await vu.runIteration(iterationContext({ exec: 'default', signal: AbortSignal.abort() }));
    assert.equal(again.status, 'interrupted');
  });

  it('reports exec.test.abort() as aborted with its reason', async () => {
    const dir = scriptDir({
      's.js': `import exec from 'k6/execution';
        export default function () { try { exec.test.abort('enough'); } catch (e) {} console.log('not reached'); }`,
    });
    const opts = testOptions(dir);
    const rt = await loadScript('s.js', opts);
    const out = await (await rt.newVU(1, opts)).runIteration(iterationContext());
    assert.equal(out.status, 'aborted');
    assert.equal(out.status === 'aborted' && out.reason, 'enough');
    assert.deepEqual(opts.logger.lines, []);
  });

  it('test.abort() in the init context fails the load with exit code 108', async () => {
    const dir = scriptDir({ 's.js': `import exec from 'k6/execution'; exec.test.abort('no'); export default function () {}` });
    await assert.rejects(loadScript('s.js', testOptions(dir)), (e: unknown) => e instanceof ScriptAbortedError && e.exitCode === 108);
  });

  it('an exception in init code is a ScriptExceptionError (107) located in the original file', async () => {
    const dir = scriptDir({ 's.js': `const a = 1;\nnull.x;\nexport default function () {}` });
    await assert.rejects(loadScript('s.js', testOptions(dir)), (e: unknown) => {
      assert.ok(e instanceof ScriptExceptionError);
      assert.equal(e.exitCode, 107);
      assert.match(String(e.location), /s\.js:2:\d+$/);
      return true;
    });
  });

  it('reports syntax errors, unknown modules and remote imports clearly', async () => {
    const dir = scriptDir({
      'syntax.js': `export default function () {\n  let = = 1;\n}`,
      'unknown.js': `import x from 'k6/x/foo'; export default function () { x(); }`,
      'remote.js': `import { a } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js'; export default function () { a(); }`,
    });
    await assert.rejects(loadScript('syntax.js', testOptions(dir)), (e: unknown) => e instanceof ScriptLoadError && /syntax\.js:2:\d+/.test(String(e.location)));
    await assert.rejects(loadScript('unknown.js', testOptions(dir)), /unknown module: k6\/x\/foo \(xk6.*supported: k6, k6\/crypto/s);
    await assert.rejects(loadScript('remote.js', testOptions(dir)), /remote module "https:\/\/jslib\.k6\.io.*not supported/);
  });

  it('open() reads files relative to the script in the init context only', async () => {
    const dir = scriptDir({
      'data.txt': 'hello',
      's.js': `const t = open('./data.txt'); const b = open('data.txt', 'b');
        export default function () { console.log(t, new Uint8Array(b).length); try { open('data.txt'); } catch (e) { console.log(e.message.slice(0, 30)); } }`,
    });
    const opts = testOptions(dir);
    const rt = await loadScript('s.js', opts);
    await (await rt.newVU(1, opts)).runIteration(iterationContext());
    assert.deepEqual(opts.logger.lines.map((l) => l.msg), ['hello 5', 'the "open" function is only av']);
  });

  it('runs handleSummary and returns its destinations as strings', async () => {
    const dir = scriptDir({
      's.js': `export default function () {}
        export function handleSummary(data) { return { stdout: 'total ' + data.n, 'x.bin': new Uint8Array([104, 105]).buffer }; }`,
    });
    const opts = testOptions(dir);
    const rt = await loadScript('s.js', opts);
    const life = await rt.newLifecycleVU(opts);
    assert.deepEqual(await life.runHandleSummary({ n: 3 }), { stdout: 'total 3', 'x.bin': 'hi' });
  });

  it('randomSeed makes Math.random in the realm deterministic per seed', async () => {
    const dir = scriptDir({ 's.js': `import { randomSeed } from 'k6'; export default function () { randomSeed(42); console.log(Math.random()); }` });
    const opts = testOptions(dir);
    const rt = await loadScript('s.js', opts);
    await (await rt.newVU(1, opts)).runIteration(iterationContext());
    await (await rt.newVU(2, opts)).runIteration(iterationContext());
    const [a, b] = opts.logger.lines.map((l) => l.msg);
    assert.equal(a, b);
    assert.notEqual(Number(a), 0);
  });
});
