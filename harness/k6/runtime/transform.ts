/**
 * The "sync-looking async" source transform.
 *
 * k6 scripts call blocking APIs (`http.get`, `sleep`) synchronously. Our modules are async host
 * functions, so the script is rewritten to await every call while keeping its shape:
 *
 *   function f(x) { return g(x).y(); }    ─▶   async function f(x) { return (await (await g(x)).y()); }
 *   arr.map((u) => http.get(u))           ─▶   (await __k6rt.m(arr, "map", [async (u) => (await http.get(u))]))
 *
 * Rules (see docs/engine-runtime.md for the limitations they imply):
 * - A function becomes `async` when it has calls in its own body and is not a generator, getter,
 *   setter, class constructor, or a function used with `new` / `.prototype` / `new.target`.
 *   Functions without calls ("leaf" functions, e.g. esbuild's export getters `() => x`) stay sync.
 * - Every call, `new` and tagged template inside an async context (async functions and the
 *   module body, which the runtime wraps in an async function) is wrapped as `(await …)`,
 *   except calls known to be synchronous (Math.*, JSON.*, console.*, Object.*, require …) and
 *   calls whose result is chained with `.then/.catch/.finally` (a Promise used as one).
 * - Calls of array/string/Map/Set methods that take callbacks and ignore returned promises are
 *   routed through the runtime helper `__k6rt.m(obj, name, args)` (see array-helpers.ts), which
 *   awaits callbacks in order when they are async and calls the native method otherwise.
 *   `Array.from(x, fn)` goes through `__k6rt.from(Array, args)`.
 */
import * as acorn from 'acorn';
import MagicString from 'magic-string';

/** Methods whose callbacks' return values the builtin would not await. */
export const CALLBACK_METHODS = new Set([
  'forEach', 'map', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex',
  'findLast', 'findLastIndex', 'flatMap', 'sort', 'toSorted', 'replace', 'replaceAll',
]);

/** Objects whose methods never block and never call user callbacks that block (by convention). */
const SYNC_NAMESPACES = new Set(['Math', 'JSON', 'console', 'Object', 'Number', 'String', 'Reflect', 'Symbol', 'Date', 'BigInt']);
const SYNC_FUNCTIONS = new Set([
  'require', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt',
  'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI', 'escape', 'unescape',
]);

export interface TransformResult {
  code: string;
  /** Source map (v3 JSON) of `code` relative to the input. */
  map: string;
  stats: { functionsAsync: number; functionsSync: number; awaits: number; callbackRewrites: number };
}

type Node = acorn.Node & Record<string, any>;

interface FnInfo {
  node: Node;
  /** Will be (or already is) async: calls in it get awaited. */
  async: boolean;
  hasCalls: boolean;
}

function isFunction(n: Node): boolean {
  return n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression';
}

function children(n: Node): Node[] {
  const out: Node[] = [];
  for (const key in n) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
    const v = n[key];
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c.type === 'string') out.push(c);
    } else if (v && typeof v === 'object' && typeof v.type === 'string') out.push(v);
  }
  return out;
}

function propName(n: Node | null | undefined, computed = false): string | undefined {
  if (!n) return undefined;
  if (n.type === 'Identifier' && !computed) return n.name;
  if (n.type === 'PrivateIdentifier') return '#' + n.name;
  if (n.type === 'Literal' && typeof n.value === 'string') return n.value;
  return undefined;
}

function isCall(n: Node): boolean {
  return n.type === 'CallExpression' || n.type === 'NewExpression' || n.type === 'TaggedTemplateExpression';
}

/** A call we know is synchronous and never runs user callbacks that could block. */
function isKnownSyncCall(n: Node): boolean {
  if (n.type !== 'CallExpression') return false;
  const c = n.callee;
  if (c.type === 'Super' || n.callee.type === 'Import') return true;
  if (c.type === 'Identifier') return SYNC_FUNCTIONS.has(c.name);
  if (c.type === 'MemberExpression' && c.object.type === 'Identifier' && SYNC_NAMESPACES.has(c.object.name)) return true;
  return false;
}

/** The name a function is known by (declaration id, `var X = function`, `X: function`, `a.X = function`). */
function nameOfFunction(fn: Node, parent: Node | null): string | undefined {
  if (fn.id?.name) return fn.id.name;
  if (!parent) return undefined;
  if (parent.type === 'VariableDeclarator' && parent.init === fn) return propName(parent.id);
  if (parent.type === 'AssignmentExpression' && parent.right === fn) {
    return parent.left.type === 'MemberExpression' ? propName(parent.left.property, parent.left.computed) : propName(parent.left);
  }
  if ((parent.type === 'Property' || parent.type === 'PropertyDefinition') && parent.value === fn) return propName(parent.key, parent.computed);
  return undefined;
}

export function transformScript(source: string, filename = 'script.js'): TransformResult {
  const ast = acorn.parse(source, {
    ecmaVersion: 'latest',
    sourceType: 'script',
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowHashBang: true,
  }) as Node;

  // Pass 1: names used as constructors, and per-function facts.
  const ctorNames = new Set<string>();
  const usesNewTarget = new Set<Node>();
  const fnStack: Node[] = [];
  const hasCalls = new Map<Node, boolean>();
  (function scan(n: Node) {
    if (n.type === 'NewExpression') {
      const c = n.callee;
      const name = c.type === 'Identifier' ? c.name : c.type === 'MemberExpression' ? propName(c.property, c.computed) : undefined;
      if (name) ctorNames.add(name);
    } else if (n.type === 'MemberExpression' && propName(n.property, n.computed) === 'prototype') {
      const o = n.object;
      const name = o.type === 'Identifier' ? o.name : o.type === 'MemberExpression' ? propName(o.property, o.computed) : undefined;
      if (name) ctorNames.add(name);
    } else if (n.type === 'MetaProperty' && n.meta.name === 'new' && fnStack.length) {
      usesNewTarget.add(fnStack[fnStack.length - 1]);
    }
    if (isCall(n) && !isKnownSyncCall(n) && fnStack.length) hasCalls.set(fnStack[fnStack.length - 1], true);
    const fn = isFunction(n);
    if (fn) {
      fnStack.push(n);
      // Calls in parameters cannot be awaited; they do not make the function async.
      scan(n.body);
      fnStack.pop();
      for (const p of n.params) scanInOuter(p);
      return;
    }
    for (const c of children(n)) scan(c);
  })(ast);
  function scanInOuter(n: Node) {
    // Parameters (defaults) belong to no async context; scan for ctor names only.
    const saved = fnStack.splice(0);
    fnStack.push({ type: 'Params' } as Node);
    (function s(m: Node) {
      if (m.type === 'NewExpression' && m.callee.type === 'Identifier') ctorNames.add(m.callee.name);
      for (const c of children(m)) s(c);
    })(n);
    fnStack.splice(0, fnStack.length, ...saved);
  }

  const ms = new MagicString(source);
  const stats = { functionsAsync: 0, functionsSync: 0, awaits: 0, callbackRewrites: 0 };

  /**
   * Pass 2: post-order edits. `asyncCtx` says whether `await` is legal here.
   * `fnMode` tells a function node how its parent sees it (method, getter, constructor …).
   */
  function visit(n: Node, parent: Node | null, asyncCtx: boolean) {
    if (isFunction(n)) {
      visitFunction(n, parent, 'plain');
      return;
    }
    switch (n.type) {
      case 'Property':
        if (n.computed) visit(n.key, n, asyncCtx);
        if (n.kind === 'get' || n.kind === 'set') visitFunction(n.value, n, 'sync');
        else if (n.method) visitFunction(n.value, n, 'method');
        else visit(n.value, n, asyncCtx);
        return;
      case 'MethodDefinition':
        if (n.computed) visit(n.key, n, asyncCtx);
        if (n.kind === 'constructor' || n.kind === 'get' || n.kind === 'set') visitFunction(n.value, n, 'sync');
        else visitFunction(n.value, n, 'method');
        return;
      case 'PropertyDefinition':
        if (n.computed) visit(n.key, n, asyncCtx);
        if (n.value) visit(n.value, n, false); // field initialisers run synchronously in the constructor
        return;
      case 'StaticBlock':
        for (const c of n.body) visit(c, n, false);
        return;
    }
    for (const c of children(n)) visit(c, n, asyncCtx);
    if (asyncCtx && isCall(n) && !isPromiseChained(n, parent)) editCall(n);
  }

  /**
   * `client.get(k).then(f)`: the call's Promise is used as one (k6's promise-returning APIs such
   * as k6/experimental/redis), so it is not awaited; the `.then(…)` call itself still is.
   */
  function isPromiseChained(n: Node, parent: Node | null): boolean {
    return (
      parent !== null &&
      parent.type === 'MemberExpression' &&
      parent.object === n &&
      !parent.computed &&
      parent.property.type === 'Identifier' &&
      (parent.property.name === 'then' || parent.property.name === 'catch' || parent.property.name === 'finally')
    );
  }

  function visitFunction(fn: Node, parent: Node | null, mode: 'plain' | 'method' | 'sync') {
    const name = nameOfFunction(fn, parent);
    let makeAsync =
      mode !== 'sync' &&
      !fn.generator &&
      !fn.async &&
      hasCalls.get(fn) === true &&
      !usesNewTarget.has(fn) &&
      !(fn.type !== 'ArrowFunctionExpression' && name !== undefined && ctorNames.has(name));
    const asyncBody = fn.async || makeAsync;
    for (const p of fn.params) visit(p, fn, false);
    visit(fn.body, fn, asyncBody && !fn.generator);
    if (makeAsync) {
      stats.functionsAsync++;
      let at = fn.start;
      if (mode === 'method' && parent) {
        at = parent.key.start;
        if (parent.computed) {
          let i = at - 1;
          while (i > 0 && /\s/.test(source[i])) i--;
          if (source[i] === '[') at = i;
        }
      }
      ms.prependRight(at, 'async ');
    } else if (!fn.async) stats.functionsSync++;
  }

  function editCall(n: Node) {
    const c = n.callee;
    if (
      n.type === 'CallExpression' &&
      !n.optional &&
      c.type === 'MemberExpression' &&
      !c.optional &&
      !c.computed &&
      c.object.type !== 'Super' &&
      c.property.type === 'Identifier' &&
      (CALLBACK_METHODS.has(c.property.name) || (c.property.name === 'from' && c.object.type === 'Identifier' && c.object.name === 'Array'))
    ) {
      // obj.map(a, b)  ─▶  __k6rt.m(obj, "map", [a, b])
      const paren = source.indexOf('(', c.end);
      if (paren >= 0 && source[n.end - 1] === ')') {
        if (c.property.name === 'from') {
          ms.overwrite(c.start, paren + 1, '__k6rt.from(Array, [', { contentOnly: true });
        } else {
          // From the member dot, not from c.object.end: a parenthesised object `(a || b).map(f)`
          // ends before its closing paren, which must stay.
          const dot = source.lastIndexOf('.', c.property.start);
          ms.prependRight(n.start, '__k6rt.m(');
          ms.overwrite(dot, paren + 1, `, ${JSON.stringify(c.property.name)}, [`, { contentOnly: true });
        }
        ms.overwrite(n.end - 1, n.end, '])', { contentOnly: true });
        stats.callbackRewrites++;
        ms.prependRight(n.start, '(await ');
        ms.appendLeft(n.end, ')');
        stats.awaits++;
        return;
      }
    }
    if (isKnownSyncCall(n)) return;
    ms.prependRight(n.start, '(await ');
    ms.appendLeft(n.end, ')');
    stats.awaits++;
  }

  for (const stmt of ast.body) visit(stmt, ast, true);

  return {
    code: ms.toString(),
    map: ms.generateMap({ hires: true, source: filename, includeContent: false }).toString(),
    stats,
  };
}
