import assert from 'node:assert/strict';
import vm from 'node:vm';
import { createCallbackHelpers } from './callback-helpers';
import { transformScript } from './transform';

/**
 * Each case sets the global `out`. It runs twice: the original with a synchronous `block(x)`,
 * and the transformed code with `block(x)` returning a promise that resolves on a later macrotask
 * (like a k6 module call). Results (including the order of side effects in `log`) must match.
 * `block` is k6's `sleep` as far as the analysis knows (PRELUDE), so it blocks.
 */
const PRELUDE = `const { sleep: block } = require("k6");\n`;
const cases: [string, string][] = [
  ['sequential calls', `out = block(1) + block(2);`],
  ['nested and chained calls', `const o = { v: (x) => ({ w: () => x }) }; out = block(o).v(block(3)).w();`],
  ['for / while / for-of loops', `out = []; for (let i = 0; i < 3; i++) out.push(block(i)); let j = 0; while (block(j) < 2) j++; out.push(j); for (const x of [7, 8]) out.push(block(x));`],
  ['closures keep state', `function counter() { let n = 0; return () => block(++n); } const c = counter(); c(); c(); out = c();`],
  ['forEach keeps order', `const log = []; [1, 2, 3].forEach((x) => { log.push('a' + block(x)); log.push('b' + x); }); out = log;`],
  ['map / filter / flatMap', `out = [1, 2, 3, 4].map((x) => block(x * 2)).filter((x) => block(x) > 2).flatMap((x) => [x, block(x)]);`],
  ['reduce / reduceRight with and without initial', `out = [[1, 2, 3].reduce((a, x) => a + block(x)), [1, 2, 3].reduce((a, x) => a + block(x), 10), ['a', 'b'].reduceRight((a, x) => a + block(x), '')];`],
  ['some / every / find / findIndex short-circuit', `const log = []; const f = (x) => { log.push(x); return block(x) > 1; }; out = [[1, 2, 3].some(f), [1, 2, 3].every(f), [1, 2, 3].find(f), [1, 2, 3].findIndex(f), [5].findLast(f), log];`],
  ['sort with a blocking comparator is stable', `const a = [{k: 2, i: 0}, {k: 1, i: 1}, {k: 2, i: 2}, {k: 0, i: 3}, {k: 1, i: 4}]; a.sort((x, y) => block(x.k) - y.k); out = a.map((x) => x.i);`],
  ['sort with a leaf comparator', `out = [3, 1, 2].sort((a, b) => a - b);`],
  ['string replace / replaceAll with callbacks', `out = ['a-b-c'.replace(/-/g, (m, i) => block('+' + i)), 'aXbX'.replaceAll('X', (m) => block(m.toLowerCase())), 'abc'.replace('b', () => block('B'))];`],
  ['Map and Set forEach', `const log = []; new Map([[1, 'a'], [2, 'b']]).forEach((v, k) => log.push(block(k + v))); new Set([3, 4]).forEach((v) => log.push(block(v))); out = log;`],
  ['Array.from with a mapper', `out = Array.from([1, 2], (x) => block(x) + 1).concat(Array.from({ length: 2 }, (_, i) => block(i)));`],
  ['classes: methods, static, getters, leaf constructor', `class A { constructor(x) { this.x = x; } get double() { return this.x * 2; } inc() { this.x = block(this.x + 1); return this; } static make(v) { return new A(block(v)); } } const a = A.make(1).inc(); out = [a.x, a.double, a instanceof A];`],
  ['subclass with super method call', `class B { f() { return block(1); } } class C extends B { f() { return super.f() + block(2); } } out = new C().f();`],
  ['ES5 constructor used with new stays sync', `function P(n) { this.n = n; this.t = String(n); } P.prototype.get = function () { return block(this.n); }; out = new P(4).get();`],
  ['try / catch / finally order', `const log = []; function f() { try { log.push(block('try')); throw new Error('x'); } catch (e) { log.push(block('catch ' + e.message)); return 'r'; } finally { log.push(block('finally')); } } out = [f(), log];`],
  ['destructuring with defaults', `function f({ a, b = 2 } = {}, [c, d = 4] = [3]) { const { e, g = block(6) } = { e: block(5) }; const [h = block(7)] = []; return [a, b, c, d, e, g, h]; } out = f({ a: block(1) });`],
  ['top-level helpers and hoisting', `out = helper(2); function helper(x) { return block(x) * 10; }`],
  ['object methods and computed keys', `const k = 'm'; const o = { [k + block('x')]() { return block(1); }, plain() { return 2; } }; out = [o.mx(), o.plain()];`],
  ['optional calls and spread arguments', `const o = { f: (...a) => block(a.length) }; const none = null; out = [o.f(...[1, 2, 3]), none?.f(), o.g?.(), Math.max(...[1, block(9)])];`],
  ['tagged templates and template literals', `const tag = (s, ...v) => s.join('|') + v.join(','); out = [tag\`a\${block(1)}b\${2}\`, \`x\${block('y')}\`];`],
  ['recursion', `function fib(n) { return n < 2 ? block(n) : fib(n - 1) + fib(n - 2); } out = fib(10);`],
  ['generators stay sync', `function* g() { yield 1; yield 2; } out = [...g()].map((x) => block(x));`],
  ['labelled loops, switch, ternaries, logical operators', `out = []; outer: for (const i of [1, 2, 3]) { for (const j of [1, 2]) { if (block(j) === 2 && i === 2) continue outer; out.push(i * 10 + j); } } switch (block(2)) { case 2: out.push(block('two')); break; default: out.push('no'); } out.push(block(0) || block('or'), block(1) && block('and'), block(true) ? block('t') : 'f');`],
  ['JSON / Math / Object stay usable', `out = [JSON.parse(JSON.stringify({ a: block(1) })), Object.keys({ x: 1 }), Math.round(block(1.6))];`],
  ['callback methods on parenthesised and chained objects', `const a = null; out = [(a || 'x-y').replace(/-/, (m) => block('+')), ([1, 2]).map((x) => block(x)), ((([3]))).map((x) => block(x)), [1].concat([2]).map((x) => block(x * 3))];`],
  ['class fields are initialised synchronously', `class F { a = 1; b = this.a + 1; static s = 3; } const f = new F(); out = [f.a, f.b, F.s];`],
];

function realm(block: (x: unknown) => unknown) {
  return vm.createContext({ require: () => ({ sleep: block }), out: undefined });
}

describe('k6 runtime transform', () => {
  for (const [name, src] of cases) {
    it(name, async () => {
      const orig = realm((x) => x);
      vm.runInContext(`(function () {\n${PRELUDE}${src}\n})()`, orig);
      const expected = JSON.stringify(vm.runInContext('out', orig));

      const { code, refusals } = transformScript(PRELUDE + src);
      assert.deepEqual(refusals, []);
      const ctx = realm((x) => new Promise((r) => setImmediate(() => r(x))));
      const fn = vm.runInContext(`(async function (__k6rt) {\n${code}\n})`, ctx);
      await fn(createCallbackHelpers(vm.runInContext('Function.prototype', ctx)));
      assert.equal(JSON.stringify(vm.runInContext('out', ctx)), expected, code);
    });
  }

  const run = async (src: string, block: (x: unknown) => unknown = (x) => x) => {
    const { code } = transformScript(PRELUDE + src);
    const ctx = realm(block);
    await vm.runInContext(`(async function (__k6rt) {\n${code}\n})`, ctx)(createCallbackHelpers(vm.runInContext('Function.prototype', ctx)));
    return ctx;
  };

  it('leaves a user async function that does not block returning its Promise (plain JavaScript)', async () => {
    const ctx = await run(`async function f() { return 5; } const p = f(); out = [typeof p.then, await p];`);
    assert.deepEqual(JSON.parse(JSON.stringify(vm.runInContext('out', ctx))), ['function', 5]);
  });

  it('awaits a user async function that blocks at every call (it runs to its end, as k6 runs it synchronously)', async () => {
    const ctx = await run(`const log = []; async function f() { log.push(block(1)); return 5; } const v = f(); log.push('after'); out = [v, log];`);
    assert.deepEqual(JSON.parse(JSON.stringify(vm.runInContext('out', ctx))), [5, [1, 'after']]);
  });

  it('makes async only what can block; leaf and helper functions, getters, constructors and generators stay synchronous', () => {
    const { code, stats } = transformScript(
      PRELUDE + `const pad = (n) => String(n).padStart(3, '0'); class A { constructor() { pad(1); } get g() { return pad(2); } *gen() { pad(3); } m() { block(); } n() { pad(4); } } function K() { pad(5); } new K();`,
    );
    assert.match(code, /const pad = \(n\) => String\(n\)\.padStart\(3, '0'\)/);
    assert.match(code, /constructor\(\) \{ pad\(1\); \}/);
    assert.match(code, /get g\(\) \{ return pad\(2\); \}/);
    assert.match(code, /\*gen\(\) \{ pad\(3\); \}/);
    assert.match(code, /async m\(\) \{ \(await block\(\)\); \}/);
    assert.match(code, / n\(\) \{ pad\(4\); \}/);
    assert.match(code, /function K\(\) \{ pad\(5\); \}/);
    assert.equal(stats.functionsAsync, 1);
  });

  it('leaves the Promise of a non-blocking call a Promise: `const p = client.get(k); p.then(f)` works', async () => {
    const ctx = realm((x) => x);
    vm.runInContext('var client = { get: (k) => Promise.resolve(k + "!") };', ctx);
    const { code } = transformScript(PRELUDE + `const p = client.get('k'); out = [typeof p.then, await p.then((v) => v + block('?'))];`);
    await vm.runInContext(`(async function (__k6rt) {\n${code}\n})`, ctx)(createCallbackHelpers(vm.runInContext('Function.prototype', ctx)));
    assert.deepEqual(JSON.parse(JSON.stringify(vm.runInContext('out', ctx))), ['function', 'k!?']);
  });

  it('leaves a call chained with .then/.catch/.finally un-awaited even when it blocks (a Promise used as one)', () => {
    const { code } = transformScript(PRELUDE + `async function p() { block(); return 1; } function q() { return p().then((v) => v + 1); }`);
    assert.match(code, /function q\(\) \{ return p\(\)\.then\(\(v\) => v \+ 1\); \}/);
  });

  it('does not await calls that cannot block', () => {
    const { code } = transformScript(PRELUDE + `JSON.stringify(Math.max(1, 2)); console.log(Object.keys(o)); f(); [1].map((x) => x + 1); block();`);
    assert.equal(code, PRELUDE + `JSON.stringify(Math.max(1, 2)); console.log(Object.keys(o)); f(); [1].map((x) => x + 1); (await block());`);
  });

  it('maps positions back to the input', async () => {
    const { map } = transformScript(`const g = require("k6").sleep;\nfunction f() { return g(); }\n`, 'in.js');
    const { SourceMap } = await import('node:module');
    const sm = new SourceMap(JSON.parse(map));
    const e = sm.findEntry(1, 'async function f() { return (await '.length) as { originalLine: number; originalColumn: number };
    assert.deepEqual([e.originalLine, e.originalColumn], [1, 'function f() { return '.length]);
  });
});
