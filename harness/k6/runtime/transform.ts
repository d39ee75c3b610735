/**
 * The "sync-looking async" source transform.
 *
 * k6 scripts call blocking APIs (`http.get`, `sleep`) synchronously. Our modules are async host
 * functions, so the functions of the script that can reach one are made `async` and their
 * blocking calls awaited, keeping the script's shape:
 *
 *   function f(x) { return http.get(x).json(); }   ─▶   async function f(x) { return (await http.get(x)).json(); }
 *   arr.forEach((u) => http.get(u))                 ─▶   (await __k6rt.m(arr, "forEach", [async (u) => (await http.get(u))]))
 *
 * Which functions can block is decided by a whole-script analysis (blocking-analysis.ts); every
 * other function, call and callback keeps plain JavaScript semantics. Calls of array/string/Map/Set
 * methods handed a callback that can block go through the runtime helper `__k6rt.m(obj, name,
 * args)` (callback-helpers.ts), which awaits the callbacks in order; `Array.from(x, fn)` through
 * `__k6rt.from(Array, args)`. A blocking call where nothing can wait (constructor, getter …) is
 * not transformed: it is listed in `refusals`, and the loader refuses the script.
 */
import * as acorn from 'acorn';
import { SourceMap } from 'node:module';
import MagicString from 'magic-string';
import { ScriptLoadError } from '../types';
import { analyseBlocking, children, type Refusal } from './blocking-analysis';

export { CALLBACK_METHODS } from './blocking-analysis';

export interface TransformResult {
  code: string;
  /** Source map (v3 JSON) of `code` relative to the input. */
  map: string;
  /** Blocking calls where nothing can wait; the script must be refused when non-empty. */
  refusals: (Refusal & { line: number; column: number })[];
  stats: { functionsAsync: number; functionsSync: number; awaits: number; callbackRewrites: number; guards: number; passes: number };
}

type Node = acorn.Node & Record<string, any>;

export function transformScript(source: string, filename = 'script.js'): TransformResult {
  const ast = acorn.parse(source, {
    ecmaVersion: 'latest',
    sourceType: 'script',
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowHashBang: true,
  }) as Node;
  const a = analyseBlocking(ast, source);
  const ms = new MagicString(source);
  const stats = { functionsAsync: a.makeAsync.size, functionsSync: a.stats.functions - a.makeAsync.size, awaits: 0, callbackRewrites: 0, guards: 0, passes: a.stats.passes };

  for (const at of a.makeAsync.values()) ms.prependRight(at, 'async ');

  // Post-order, so that an outer call's `(await ` lands before an inner one starting at the same offset.
  (function visit(n: Node) {
    for (const c of children(n)) visit(c);
    if (a.awaitCalls.has(n)) editCall(n, a.routeCalls.has(n));
    else if (a.guardCalls.has(n)) guardCall(n, a.guardCalls.get(n)!);
  })(ast);

  /**
   * A call where nothing can wait that may block only as far as the analysis can tell:
   *   o.m(a)  ─▶  __k6rt.g(o, "m", [a], "a getter")      f(a)  ─▶  __k6rt.s(f, [a], "a getter")
   * The helper calls it and throws if a function of the script hands back its Promise.
   */
  function guardCall(n: Node, where: string) {
    if (n.type !== 'CallExpression' || n.optional || source[n.end - 1] !== ')') return;
    const c = n.callee;
    const paren = source.indexOf('(', c.end);
    if (paren < 0) return;
    if (c.type === 'Identifier') {
      ms.overwrite(c.start, paren + 1, `__k6rt.s(${c.name}, [`, { contentOnly: true });
    } else if (c.type === 'MemberExpression' && !c.computed && !c.optional && c.object.type !== 'Super' && c.property.type === 'Identifier') {
      const dot = source.lastIndexOf('.', c.property.start);
      ms.prependRight(n.start, '__k6rt.g(');
      ms.overwrite(dot, paren + 1, `, ${JSON.stringify(c.property.name)}, [`, { contentOnly: true });
    } else return;
    ms.overwrite(n.end - 1, n.end, `], ${JSON.stringify(where)})`, { contentOnly: true });
    stats.guards++;
  }

  function editCall(n: Node, route: boolean) {
    const c = n.callee;
    if (route) {
      // obj.map(a, b)  ─▶  __k6rt.m(obj, "map", [a, b])
      const paren = source.indexOf('(', c.end);
      if (paren >= 0 && source[n.end - 1] === ')') {
        if (c.property.name === 'from' && c.object.type === 'Identifier' && c.object.name === 'Array') {
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
      }
    }
    ms.prependRight(n.start, '(await ');
    ms.appendLeft(n.end, ')');
    stats.awaits++;
  }

  // 1-based line/column of each refusal in `source` (the loader maps them to the user's file).
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const refusals = a.refusals.map((r) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= r.pos) lo = mid;
      else hi = mid - 1;
    }
    return { ...r, line: lo + 1, column: r.pos - lineStarts[lo] + 1 };
  });

  return {
    code: ms.toString(),
    map: ms.generateMap({ hires: true, source: filename, includeContent: false }).toString(),
    refusals,
    stats,
  };
}

/**
 * The load error for a script with blocking calls where nothing can wait: every place, mapped
 * through the bundle's source map to the user's `file:line:col`, with its hint.
 */
export function refusalError(refusals: TransformResult['refusals'], bundleMap: string, filename: string): ScriptLoadError {
  const sm = new SourceMap(JSON.parse(bundleMap));
  const places = refusals.map((r) => {
    const e = sm.findEntry(r.line - 1, r.column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    const loc = e.originalSource ? `${e.originalSource.replace(/^file:\/\//, '')}:${e.originalLine! + 1}:${e.originalColumn! + 1}` : `${filename}`;
    return { loc, text: `${loc}: ${r.message}\n\thint: ${r.hint}` };
  });
  // The first line names the first place: logs often keep only the first line.
  return new ScriptLoadError(
    `${places.map((p) => p.text).join('\n')}\n(the builtin engine refuses a script with a blocking k6 call where it cannot wait for it, instead of handing the script a Promise)`,
    places[0]?.loc ?? filename,
  );
}
