import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScriptLoadError } from '../types';
import { createBuiltinRegistry } from '../modules/builtins';
import { loadScript } from './script-runtime';
import { testOptions } from './test-helpers';
import vm from 'node:vm';
import { createCallbackHelpers } from './callback-helpers';
import { transformScript } from './transform';

/** Bundle-shaped input: k6 imports are `require("k6…")` bindings, as esbuild leaves them. */
const K6 = `const http = require("k6/http"); const { sleep, group } = require("k6");\n`;

/** Names of the functions the transform made async (`async function f` / `async m(`). */
function asyncNames(src: string): string[] {
  const { code } = transformScript(K6 + src);
  return [...code.matchAll(/async (?:function\s+)?(\w+)|(\w+)\s*=\s*async\b/g)].map((m) => m[1] ?? m[2]).sort();
}

function refusals(src: string): string[] {
  return transformScript(K6 + src).refusals.map((r) => `${r.line - 1}: ${r.message}`);
}

describe('k6 runtime: blocking analysis (which functions become async)', () => {
  it('makes async exactly the functions that reach a blocking k6 call, through any chain of calls', () => {
    assert.deepEqual(
      asyncNames(`
        function pad(n) { return String(n).padStart(3, '0'); }
        function fetch(u) { return http.get(u + pad(1)); }
        function outer() { return fetch('x'); }
        function nap() { sleep(1); }
        function calm() { return pad(2) + [1, 2].map((x) => pad(x)).join(); }
        const arrow = () => outer();`),
      ['arrow', 'fetch', 'nap', 'outer'],
    );
  });

  it('follows functions passed as arguments and returned from functions', () => {
    assert.deepEqual(
      asyncNames(`
        function retry(f) { return f(); }
        function twice(g) { return g() + g(); }
        function maker() { return function made() { return http.get('x'); }; }
        function viaRetry() { return retry(() => http.get('y')); }
        function viaTwice() { return twice(() => 1); }
        function viaMaker() { return maker()(); }`),
      ['made', 'retry', 'viaMaker', 'viaRetry'],
    );
  });

  it('methods by name: this.load() blocks when a method named load does; a Map#get next to a blocking get() method does not', () => {
    const { code, refusals: r } = transformScript(
      K6 +
        `class Api { get(p) { return http.get(p); } }
         class Cache { constructor() { this.m = new Map(); } get size() { return this.m.get('n'); } load() { return this.fetch(); } fetch() { return new Api().get('x'); } }`,
    );
    assert.deepEqual(r, []);
    assert.match(code, /async get\(p\)/);
    assert.match(code, /async load\(\)/);
    assert.match(code, /get size\(\) \{ return this\.m\.get\('n'\); \}/);
  });

  it('values it cannot follow may be any escaped function: a call of one blocks only when some escaped function blocks', () => {
    // Nothing that escapes blocks: calling a value from an array stays synchronous.
    assert.deepEqual(asyncNames(`const fs = [() => 1]; function callAll() { return fs.map((f) => f()); }`), []);
    // A blocking function stored in an array: calls of unknown values block, the callback is routed.
    const { code } = transformScript(K6 + `const fs = [() => http.get('x')]; function callAll() { fs.forEach((f) => f()); }`);
    assert.match(code, /async function callAll\(\) \{ \(await __k6rt\.m\(fs, "forEach", \[async \(f\) => \(await f\(\)\)\]\)\); \}/);
  });

  it('callbacks handed to k6 or to callback methods do not escape: a blocking group() callback leaves calls of unknown values alone', () => {
    assert.deepEqual(
      asyncNames(`function main() { group('g', () => http.get('x')); [1].forEach((i) => sleep(i)); }
        class Emitter { constructor(hs) { this.hs = hs; } emit(e) { for (const h of this.hs) h(e); } }`),
      ['main'],
    );
    // …while a blocking method stored in an object does escape: calls of unknown values may reach it
    assert.deepEqual(
      asyncNames(`const api = { load() { return http.get('x'); } };
        class Emitter { constructor(hs) { this.hs = hs; } emit(e) { for (const h of this.hs) h(e); } }`),
      ['emit', 'load'],
    );
  });

  it('keeps forEach/map/sort callbacks that block working (routed through __k6rt), and leaves the others native', () => {
    const { code } = transformScript(K6 + `function main() { [1, 2].forEach((i) => http.get('u' + i)); [3, 1].sort((a, b) => a - b); }`);
    assert.match(code, /\(await __k6rt\.m\(\[1, 2\], "forEach", \[async \(i\) => \(await http\.get\('u' \+ i\)\)\]\)\)/);
    assert.match(code, /\[3, 1\]\.sort\(\(a, b\) => a - b\)/);
  });

  it('group() blocks only when its callback does', () => {
    const { code } = transformScript(K6 + `function a() { return group('a', () => 1); } function b() { return group('b', () => sleep(1)); }`);
    assert.match(code, /^function a\(\) \{ return group\('a', \(\) => 1\); \}/m);
    assert.match(code, /async function b\(\) \{ return \(await group\('b', async \(\) => \(await sleep\(1\)\)\)\); \}/);
  });

  it('finds k6 calls through default imports, named imports (esbuild shapes), aliases and escaped module objects', () => {
    const src = `
      var import_http = __toESM(require("k6/http"));
      var import_k6 = require("k6");
      var import_exec = __toESM(require("k6/execution"));
      function a() { import_http.default.get('x'); }
      function b() { (0, import_k6.sleep)(1); }
      function c() { const h = import_http.default; h.post('x'); }
      function d() { import_exec.default.test.abort('x'); }
      function e() { import_http.default.url\`x\`; }
      const holder = { h: import_http.default };
      function f(o) { o.h.del('x'); }
      f(holder);`;
    const { code } = transformScript(src);
    assert.deepEqual([...code.matchAll(/async function (\w)/g)].map((m) => m[1]), ['a', 'b', 'c', 'd', 'f']);
  });

  it('esbuild shapes: `var A = class _A { … new _A() … }` and named function expressions', () => {
    const { code } = transformScript(K6 + `var Api = class _Api { static create() { const a = new _Api(); a.ping(); return a; } ping() { sleep(1); } }; const f = function g(n) { return n ? g(n - 1) : sleep(1); };`);
    assert.match(code, /static async create\(\) \{ const a = new _Api\(\); \(await a\.ping\(\)\); return a; \}/);
    assert.match(code, /const f = async function g\(n\) \{ return n \? \(await g\(n - 1\)\) : \(await sleep\(1\)\); \}/);
  });

  it('grpc clients block on connect/invoke wherever the client is kept', () => {
    const { code } = transformScript(`const grpc = require("k6/net/grpc"); class S { constructor() { this.c = new grpc.Client(); } call() { this.c.connect('a'); return this.c.invoke('m', {}); } }`);
    assert.match(code, /async call\(\) \{ \(await this\.c\.connect\('a'\)\); return \(await this\.c\.invoke\('m', \{\}\)\); \}/);
  });
});

describe('k6 runtime: blocking analysis refusals (file:line and a hint)', () => {
  const cases: [string, string, RegExp][] = [
    ['constructor', `class A { constructor() { this.r = http.get('x'); } }`, /1: `http\.get` can block, but it is called in a class constructor/],
    ['constructor via a helper', `function load() { return http.get('x'); }\nclass A { constructor() { this.r = load(); } }`, /2: `load` can block \(load\(\) → http\.get\), but it is called in a class constructor/],
    ['getter', `const o = { get v() { return sleep(1); } };`, /1: `sleep` can block, but it is called in a getter/],
    ['setter', `class A { set v(x) { http.post('x', x); } }`, /in a setter/],
    ['class field', `class A { r = http.get('x'); }`, /in a class field initialiser/],
    ['static block', `class A { static { sleep(1); } }`, /in a class static block/],
    ['generator', `function* g() { yield http.get('x'); }`, /in a generator/],
    ['default parameter', `function f(r = http.get('x')) { return r; }`, /in a default parameter value/],
    ['function used with new', `function P() { this.r = http.get('x'); }\nnew P();`, /in a function used with `new`/],
    ['toString', `class A { toString() { return http.get('x').body; } }`, /`http\.get` can block, but it is called in toString\(\) \(the language calls it implicitly/],
    ['Symbol.iterator', `const o = { *[Symbol.iterator]() { yield 1; }, [Symbol.toPrimitive]() { return sleep(1); } };`, /`sleep` can block, but it is called in \[Symbol\.toPrimitive\]\(\)/],
    ['JSON.stringify replacer', `JSON.stringify({}, (k, v) => { sleep(1); return v; });`, /the replacer handed to JSON\.stringify can block/],
    ['JSON.parse reviver', `function rev(k, v) { http.get('x'); return v; }\nJSON.parse('{}', rev);`, /2: the reviver handed to JSON\.parse/],
    ['computed callback method', `[1]['forEach']((x) => sleep(x));`, /through a computed member/],
    ['optional callback method', `const a = [1]; a?.forEach((x) => sleep(x));`, /through optional chaining/],
    ['Array.prototype.map.call', `Array.prototype.map.call([1], (x) => sleep(x));`, /`Array\.prototype\.map\.call` .*|handed to `Array\.prototype\.map\.call`/],
    ['Object.defineProperty getter', `Object.defineProperty({}, 'x', { get() { return sleep(1); } });`, /an accessor defined with Object\.defineProperty can block/],
    ['callback method inside a getter', `class A { get all() { return [1].map((i) => http.get('u' + i)); } }`, /`\[1\]\.map` with a callback that can block .* in a getter/],
  ];
  for (const [name, src, re] of cases) {
    it(name, () => {
      const r = refusals(src);
      assert.ok(r.length > 0, `no refusal for: ${src}`);
      assert.match(r.join('\n'), re);
    });
  }

  it('a call that may block only through imprecision (two methods named get) is not refused but guarded: it throws instead of handing back a Promise', async () => {
    const src = `const { sleep } = require("k6");
      class Plain { get(k) { return k + '!'; } }
      class Slow { get(k) { sleep(1); return k; } }
      out = [];
      [new Plain(), new Slow()].forEach(function (o) {
        const w = { get v() { return o.get('n'); } };
        try { out.push(w.v); } catch (e) { out.push(e.message); }
      });`;
    const { code, refusals: r, stats } = transformScript(src);
    assert.deepEqual(r, []);
    assert.equal(stats.guards, 1);
    assert.match(code, /get v\(\) \{ return __k6rt\.g\(o, "get", \['n'\], "a getter"\); \}/);
    const ctx = vm.createContext({ require: () => ({ sleep: () => new Promise((res) => setImmediate(res)) }), out: undefined });
    await vm.runInContext(`(async function (__k6rt) {\n${code}\n})`, ctx)(createCallbackHelpers(vm.runInContext('Function.prototype', ctx)));
    const out = vm.runInContext('out', ctx) as string[];
    assert.equal(out[0], 'n!');
    assert.match(out[1], /^a function that blocks \(it makes a blocking k6 call\) was called in a getter, where the builtin engine cannot wait for it; run the script with real k6/);
  });

  it('refuses nothing in ordinary JavaScript that does not block', () => {
    assert.deepEqual(
      refusals(`
        const pad = (n) => String(n).padStart(3, '0');
        class Box { constructor(n) { this.v = pad(n); } get label() { return pad(this.v.length); } toString() { return pad(1); } static of(n) { return new Box(n); } *[Symbol.iterator]() { yield pad(1); } }
        JSON.stringify(new Box(1), (k, v) => (typeof v === 'number' ? pad(v) : v));
        [3, 1].sort((a, b) => pad(a) < pad(b) ? -1 : 1);
        function main() { http.get('x'); new Box(2); }`),
      [],
    );
  });

  it('the loader refuses the script with the file:line of the original module (across imports) and the hint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k6blk-'));
    fs.writeFileSync(path.join(dir, 'lib.js'), `import http from 'k6/http';\n\nexport function load(u) {\n  return http.get(u);\n}\n`);
    fs.writeFileSync(
      path.join(dir, 'main.js'),
      `import { load } from './lib.js';\n\nclass Page {\n  constructor(u) {\n    this.res = load(u);\n  }\n}\nexport default function () { new Page('x'); }\n`,
    );
    const err = await loadScript('main.js', testOptions(dir), { modules: createBuiltinRegistry() }).then(
      () => assert.fail('loaded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ScriptLoadError);
    assert.equal(err.location, `${path.join(dir, 'main.js')}:5:16`);
    assert.match(err.message, /main\.js:5:16: `load` can block \(load\(\) → http\.get\), but it is called in a class constructor, which cannot wait/);
    assert.match(err.message, /hint: run the script with real k6, or make the blocking call in an ordinary function or method/);
  });
});
