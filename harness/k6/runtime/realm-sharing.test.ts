import assert from 'node:assert/strict';
import { bundleScript } from './bundle';
import { realmSharing } from './realm-sharing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Scripts whose VUs cannot tell they share a realm. */
const SHARED: Array<[string, string]> = [
  ['the realistic script', `import http from 'k6/http'; import { check, sleep } from 'k6';
    const params = { headers: { 'Content-Type': 'application/json' } };
    export default function () { const r = http.post('http://127.0.0.1:1/x', JSON.stringify({ a: 1 }), params); check(r, { ok: (x) => x.status === 202 }); sleep(1); }`],
  ['classes, accessors, statics and subclasses of built-ins', `class A extends Error { static n = 0; #p = 1; get p() { return this.#p; } set p(v) { this.#p = v; } }
    class L extends Array {} export default function () { const a = new A('x'); a.p = 2; A.n++; this.x; return new L(), a instanceof Error; }`],
  ['reading built-ins and prototypes', `const hop = Object.prototype.hasOwnProperty; const { floor, random } = Math; const s = Array.prototype.slice;
    export default function (o) { return [hop.call(o, 'a'), floor(random()), s.call([1]), Object.keys(Math), Object.create(Array.prototype),
      typeof Symbol, [1].map(String).filter(Boolean), x instanceof Function, Function.prototype.call, Object.getPrototypeOf(o) === Array.prototype]; }`],
  ['writes to its own objects', `const state = { n: 0 }; const list = []; let m = new Map();
    export default function () { state.n++; list[0] = 1; delete state.n; this.y = 1; __ENV.X = 'y'; ({ a: state.a } = { a: 1 });
      Object.assign(state, { b: 1 }); Object.defineProperty(state, 'c', { value: 1 }); Object.freeze(list); m.set(1, 2); }`],
  ['esbuild helpers for a CommonJS dependency', `const lib = require('./lib.cjs'); export default function () { return lib.f(); }`],
  ['a local named like a global', `export default function () { const self = { a: 1 }; let global = 2; return self.a + global; }`],
];

/** Scripts that could notice, with the reason they get a realm per VU. */
const ISOLATED: Array<[string, string, RegExp]> = [
  ['globalThis', `export default function () { globalThis.n = (globalThis.n || 0) + 1; }`, /global `globalThis`|`globalThis`/],
  ['global (Node style)', `export default function () { return global.x; }`, /`global`/],
  ['eval', `export default function () { return (0, eval)('this'); }`, /`eval`/],
  ['the Function constructor', `export default function () { return Function('return this')(); }`, /Function/],
  ['x.constructor(...)', `export default function () { return (() => 1).constructor('return this')(); }`, /constructor/],
  ['a prototype extension', `String.prototype.shout = function () { return this + '!'; }; export default function () {}`, /prototype/],
  ['a polyfill via defineProperty', `Object.defineProperty(Array.prototype, 'last', { get() { return this[this.length - 1]; } }); export default function () {}`, /Object\.defineProperty\(\) on a built-in|prototype/],
  ['Math.random replaced', `Math.random = () => 0.5; export default function () {}`, /global `Math`/],
  ['Error.stackTraceLimit', `Error.stackTraceLimit = 50; export default function () {}`, /global `Error`/],
  ['a built-in aliased', `const M = Math; export default function () { M.random = () => 1; }`, /built-in object \(`Math`\)/],
  ['a prototype aliased', `const P = Array.prototype; export default function () { P.x = 1; }`, /built-in object/],
  ['Object.getPrototypeOf(x).y = ', `export default function () { Object.getPrototypeOf([]).y = 1; }`, /prototype|call/],
  ['an aliased mutator on a built-in', `const def = Object.defineProperty; def(String, 'x', { value: 1 }); export default function () {}`, /built-in/],
  ['__proto__', `export default function () { const p = [].__proto__; p.z = 1; }`, /built-in object|prototype/],
  ['RegExp legacy statics', `export default function () { /a(b)/.test('ab'); return RegExp.$1; }`, /RegExp/],
  ['a built-in reassigned', `export default function () { JSON = { parse: (x) => x }; }`, /assigns the built-in `JSON`/],
  ['a built-in handed to unknown code', `function patch(o) { o.x = 1; } export default function () { patch(Math); }`, /built-in object \(`Math`\)/],
];

async function bundled(source: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-sharing-'));
  fs.writeFileSync(path.join(dir, 'lib.cjs'), `exports.f = function () { return 1; }; module.exports.g = 2;`);
  const filename = path.join(dir, 's.js');
  fs.writeFileSync(filename, source);
  return (await bundleScript({ filename })).code;
}

describe('k6 runtime: which scripts share one realm among their VUs', () => {
  for (const [name, source] of SHARED) {
    it(`shares: ${name}`, async () => {
      assert.deepEqual(realmSharing(await bundled(source)), { shared: true });
    });
  }
  for (const [name, source, reason] of ISOLATED) {
    it(`a realm per VU: ${name}`, async () => {
      const r = realmSharing(await bundled(source));
      assert.equal(r.shared, false);
      assert.match((r as { reason: string }).reason, reason);
    });
  }
});
