/**
 * Which functions of a k6 script can block: the whole-script analysis behind the async transform.
 *
 * k6's blocking calls (`http.get`, `sleep` …) are async host functions here, so a script function
 * that can reach one must become `async` and its calls must be awaited. Everything else keeps
 * plain JavaScript semantics (a helper called from a constructor, a getter, a `toString`, a sort
 * comparator or a JSON replacer returns its value, not a Promise). The analysis runs on esbuild's
 * bundle, so it sees every module the script imports as one program.
 *
 * It is a flow analysis to a fixpoint over abstract values (`AV`: the script functions, k6 API
 * paths and "unknown" a value may be):
 *
 *   roots: k6 API paths reached from `require("k6/…")` bindings (BLOCKING below)
 *   variables ─ scope-resolved bindings;  properties ─ one location per name ("field-based")
 *   call f(a) ─▶ a flows to f's parameters, f's returns flow to the call's value
 *   a function is blocking (B) ⇐ its body has a call whose callee may be B or a blocking k6 path
 *
 * The rule where the analysis cannot see (docs/engine-runtime.md, "Which functions block"):
 * a value it cannot follow (an array element, a result of a built-in, `this`, a computed member, a
 * parameter of a function handed to code it cannot see) may be any function the script handed to
 * such code ("escaped") or, for computed members and results of built-ins, stored in any property.
 * Calling it blocks when one of those blocks. A method called by name (`o.m()`) may be any
 * function stored under that name, unless `o` can only be a built-in value (`new Map()`, …).
 *
 * Where a blocking call is reachable from a place that cannot await (constructor, getter, setter,
 * class field, static block, generator, default parameter, a function used with `new`, a
 * toString/valueOf/toJSON/Symbol.toPrimitive/Symbol.iterator method, a callback of JSON.stringify,
 * JSON.parse, Object.defineProperty, or of a callback method the runtime cannot route): when the
 * call blocks for certain the script is refused (`refusals`); when it may block only through the
 * analysis' imprecision it is guarded at run time (`guardCalls`). Never a silent Promise.
 */
import type * as acorn from 'acorn';

type Node = acorn.Node & Record<string, any>;

/** k6 API paths that block; `*` entries block when a callback argument may block. */
const BLOCKING = new Set([
  'k6.sleep',
  'k6/http.get', 'k6/http.post', 'k6/http.put', 'k6/http.patch', 'k6/http.del', 'k6/http.head', 'k6/http.options',
  'k6/http.request', 'k6/http.batch',
  'k6/ws.connect',
  'k6/execution.test.abort',
  'k6/net/grpc.Client().connect', 'k6/net/grpc.Client().invoke',
  'k6/experimental/grpc.Client().connect', 'k6/experimental/grpc.Client().invoke',
]);
/** Block only when one of their (callback) arguments may block: `group(name, fn)`, `check(v, {name: fn})`. */
const PASS_THROUGH = new Set(['k6.group', 'k6.check']);
/** Prefixes of BLOCKING/PASS_THROUGH: a k6 path not among them can never lead to a blocking call. */
const K6_PREFIXES = (() => {
  const s = new Set<string>();
  for (const p of [...BLOCKING, ...PASS_THROUGH]) {
    for (let i = 0; i < p.length; i++) if (p[i] === '.' || p[i] === '(') s.add(p.slice(0, i));
    s.add(p);
  }
  return s;
})();

/** Methods whose callbacks the runtime helper `__k6rt.m` can await (see callback-helpers.ts). */
export const CALLBACK_METHODS = new Set([
  'forEach', 'map', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex',
  'findLast', 'findLastIndex', 'flatMap', 'sort', 'toSorted', 'replace', 'replaceAll',
]);
/** Called implicitly by the language or built-ins, which never await them. */
const IMPLICIT_METHODS = new Set(['toString', 'valueOf', 'toJSON', '@@toPrimitive', '@@iterator']);
/** esbuild's runtime helpers: modelled, never analysed (their bodies would merge every value). */
const BUNDLER_HELPERS = new Set([
  '__create', '__defProp', '__defProps', '__getOwnPropDesc', '__getOwnPropDescs', '__getOwnPropNames', '__getOwnPropSymbols',
  '__getProtoOf', '__hasOwnProp', '__propIsEnum', '__export', '__copyProps', '__toESM', '__toCommonJS', '__commonJS',
  '__esm', '__reExport', '__name', '__require', '__publicField', '__defNormalProp', '__knownSymbol', '__spreadValues',
  '__spreadProps', '__objRest', '__superGet', '__template', '__decorateClass', '__decorateParam', '__pow', '__async',
  '__forAwait', '__await', '__yieldStar', '__accessCheck', '__privateGet', '__privateAdd', '__privateSet', '__privateMethod',
]);

export interface Refusal {
  /** Offset in the analysed source. */
  pos: number;
  message: string;
  hint: string;
}

export interface BlockingAnalysis {
  /** Functions to make `async`, with the offset to insert `async ` at. */
  makeAsync: Map<Node, number>;
  /** Calls / tagged templates to wrap as `(await …)`. */
  awaitCalls: Set<Node>;
  /**
   * Calls in places that cannot wait that may block only through the analysis' imprecision:
   * checked at run time (`__k6rt.g` / `__k6rt.s` throw instead of handing back a Promise). The
   * value says where (`a getter`).
   */
  guardCalls: Map<Node, string>;
  /** Callback-method calls (`arr.map(f)`, `Array.from(x, f)`) to route through `__k6rt`. */
  routeCalls: Set<Node>;
  refusals: Refusal[];
  stats: { functions: number; blocking: number; passes: number };
}

/* ---------------------------------------------------------------- abstract values */

interface AV {
  fns: Set<Node>;
  k6: Set<string>;
  /**
   * May be a value the analysis cannot follow: 1 = any function handed to code it cannot see
   * (`escapedU`); 2 = that, or any function stored in a property (reachable by reflection:
   * `o[k]`, `Object.values(o)`).
   */
  unk: 0 | 1 | 2;
  /** May be an object of the script (whose named properties we track); false: a built-in value. */
  obj: boolean;
}

/** Functions one location may hold before it counts as "any escaped value". */
const CAP = 24;

/** The shared empty set of AVs that hold nothing (never mutated: mergeInto replaces it). */
const NONE: Set<any> = new Set();

const av = (fns?: Node[], k6?: string[], unk: 0 | 1 | 2 = 0, obj = true): AV => ({
  fns: fns && fns.length ? new Set(fns) : NONE,
  k6: k6 && k6.length ? new Set(k6) : NONE,
  unk,
  obj,
});
/** A primitive or built-in object (its methods are the engine's). */
const HOST = (): AV => ({ fns: NONE, k6: NONE, unk: 0, obj: false });
const UNKNOWN = (level: 1 | 2 = 2): AV => ({ fns: NONE, k6: NONE, unk: level, obj: true });

function addK6(into: AV, k: string): boolean {
  if (into.k6.has(k)) return false;
  if (into.k6 === NONE) into.k6 = new Set();
  into.k6.add(k);
  return true;
}

function mergeInto(into: AV, v: AV): boolean {
  let changed = false;
  if (v.fns.size) {
    for (const f of v.fns) {
      if (into.fns.has(f)) continue;
      if (into.fns === NONE) into.fns = new Set();
      into.fns.add(f);
      changed = true;
    }
  }
  if (v.k6.size) for (const k of v.k6) if (addK6(into, k)) changed = true;
  if (v.unk > into.unk) (into.unk = v.unk), (changed = true);
  if (v.obj && !into.obj) (into.obj = true), (changed = true);
  return changed;
}

function union(...vs: AV[]): AV {
  const out = HOST();
  for (const v of vs) mergeInto(out, v);
  return out;
}

/* ---------------------------------------------------------------- scopes */

interface Binding {
  name: string;
  value: AV;
  /** Program-level binding of an esbuild helper. */
  helper: boolean;
}

class Scope {
  readonly vars = new Map<string, Binding>();
  constructor(
    readonly parent: Scope | null,
    readonly fn: Node | null,
  ) {}
  declare(name: string, helper = false): void {
    if (!this.vars.has(name)) this.vars.set(name, { name, value: av(undefined, undefined, 0, false), helper });
  }
  lookup(name: string): Binding | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const b = s.vars.get(name);
      if (b) return b;
    }
    return undefined;
  }
}

function isFunction(n: Node): boolean {
  return n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression';
}

/** A node's child nodes, in source order (transform.ts walks with it too). */
export function children(n: Node): Node[] {
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

function patternNames(p: Node | null, out: string[] = []): string[] {
  if (!p) return out;
  switch (p.type) {
    case 'Identifier': out.push(p.name); break;
    case 'ObjectPattern': for (const q of p.properties) patternNames(q.type === 'RestElement' ? q.argument : q.value, out); break;
    case 'ArrayPattern': for (const e of p.elements) patternNames(e, out); break;
    case 'AssignmentPattern': patternNames(p.left, out); break;
    case 'RestElement': patternNames(p.argument, out); break;
  }
  return out;
}

/** Declarations hoisted to a function scope: `var` anywhere (not in nested functions). */
function collectVars(n: Node, out: string[]): void {
  if (isFunction(n) || n.type === 'ClassExpression' || n.type === 'ClassDeclaration' || n.type === 'StaticBlock') return;
  if (n.type === 'VariableDeclaration' && n.kind === 'var') for (const d of n.declarations) patternNames(d.id, out);
  for (const c of children(n)) if (c.type !== 'FunctionDeclaration') collectVars(c, out);
}

/** Declarations of a block: let/const/class/function directly in it. */
function lexicalNames(stmts: Node[]): string[] {
  const out: string[] = [];
  for (const s0 of stmts) {
    const s = s0.type === 'ExportNamedDeclaration' || s0.type === 'ExportDefaultDeclaration' ? s0.declaration ?? s0 : s0;
    if (s.type === 'VariableDeclaration' && s.kind !== 'var') for (const d of s.declarations) patternNames(d.id, out);
    else if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) out.push(s.id.name);
  }
  return out;
}

export function propName(n: Node | null | undefined, computed = false): string | undefined {
  if (!n) return undefined;
  if (n.type === 'Identifier' && !computed) return n.name;
  if (n.type === 'PrivateIdentifier') return '#' + n.name;
  if (n.type === 'Literal' && (typeof n.value === 'string' || typeof n.value === 'number')) return String(n.value);
  // Symbol.iterator / Symbol.toPrimitive as keys
  if (computed && n.type === 'MemberExpression' && n.object.type === 'Identifier' && n.object.name === 'Symbol' && !n.computed) return '@@' + n.property.name;
  return undefined;
}

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

/* ---------------------------------------------------------------- the analysis */

/** Why a context cannot await (null: it can). */
type SyncReason = string | null;

interface Ctx {
  fn: Node | null;
  sync: SyncReason;
}

export function analyseBlocking(ast: Node, source: string): BlockingAnalysis {
  const programScope = new Scope(null, null);
  const globalScope = programScope; // implicit globals live at program level (one realm per VU)
  const refOf = new Map<Node, Binding>();
  const scopeOfFn = new Map<Node, Scope>();
  const fnParams = new Map<Node, Node[]>();
  const usesArguments = new Set<Node>();
  const ctorUsed = new Set<Node>();
  const classCtor = new Map<Node, Node | null>();
  const allFns: Node[] = [];

  /* Pass 0: scopes and references. */
  (function resolve() {
    const walk = (n: Node, scope: Scope, fn: Node | null): void => {
      if (isFunction(n)) {
        const s = new Scope(scope, n);
        scopeOfFn.set(n, s);
        allFns.push(n);
        if (n.type === 'FunctionExpression' && n.id) {
          s.declare(n.id.name);
          refOf.set(n.id, s.vars.get(n.id.name)!);
        }
        for (const p of n.params) for (const name of patternNames(p)) s.declare(name);
        if (n.type !== 'ArrowFunctionExpression') s.declare('arguments');
        if (n.body.type === 'BlockStatement') {
          const vars: string[] = [];
          collectVars(n.body, vars);
          for (const v of vars) s.declare(v);
          for (const v of lexicalNames(n.body.body)) s.declare(v);
        }
        const inner = n.type === 'ArrowFunctionExpression' ? fn : n; // `arguments` of arrows is the outer function's
        for (const p of n.params) walk(p, s, inner);
        if (n.body.type === 'BlockStatement') for (const st of n.body.body) walk(st, s, inner);
        else walk(n.body, s, inner);
        return;
      }
      switch (n.type) {
        case 'Program': {
          const vars: string[] = [];
          collectVars(n, vars);
          const helper = (name: string) => BUNDLER_HELPERS.has(name);
          for (const v of vars) scope.declare(v, helper(v));
          for (const v of lexicalNames(n.body)) scope.declare(v, helper(v));
          for (const st of n.body) walk(st, scope, fn);
          return;
        }
        case 'BlockStatement':
        case 'StaticBlock': {
          const s = new Scope(scope, fn);
          if (n.type === 'StaticBlock') {
            const vars: string[] = [];
            collectVars({ type: 'X', body: n.body } as unknown as Node, vars);
            for (const v of vars) s.declare(v);
          }
          for (const v of lexicalNames(n.body)) s.declare(v);
          for (const st of n.body) walk(st, s, fn);
          return;
        }
        case 'SwitchStatement': {
          walk(n.discriminant, scope, fn);
          const s = new Scope(scope, fn);
          for (const c of n.cases) for (const v of lexicalNames(c.consequent)) s.declare(v);
          for (const c of n.cases) {
            if (c.test) walk(c.test, s, fn);
            for (const st of c.consequent) walk(st, s, fn);
          }
          return;
        }
        case 'ForStatement':
        case 'ForInStatement':
        case 'ForOfStatement': {
          const s = new Scope(scope, fn);
          const head = n.type === 'ForStatement' ? n.init : n.left;
          if (head && head.type === 'VariableDeclaration' && head.kind !== 'var') for (const d of head.declarations) for (const v of patternNames(d.id)) s.declare(v);
          for (const c of children(n)) walk(c, s, fn);
          return;
        }
        case 'CatchClause': {
          const s = new Scope(scope, fn);
          for (const v of patternNames(n.param)) s.declare(v);
          if (n.param) walk(n.param, s, fn);
          walk(n.body, s, fn);
          return;
        }
        case 'ClassDeclaration':
        case 'ClassExpression': {
          const s = new Scope(scope, fn);
          if (n.type === 'ClassExpression' && n.id) {
            s.declare(n.id.name);
            refOf.set(n.id, s.vars.get(n.id.name)!);
          }
          if (n.superClass) walk(n.superClass, scope, fn);
          classCtor.set(n, n.body.body.find((m: Node) => m.type === 'MethodDefinition' && m.kind === 'constructor')?.value ?? null);
          walk(n.body, s, fn);
          if (n.id && n.type === 'ClassDeclaration') refOf.set(n.id, scope.lookup(n.id.name)!);
          return;
        }
        case 'Identifier': {
          let b = scope.lookup(n.name);
          if (!b) {
            globalScope.declare(n.name);
            b = globalScope.vars.get(n.name)!;
          }
          refOf.set(n, b);
          if (n.name === 'arguments' && fn && b === scopeOfFn.get(fn)?.vars.get('arguments')) usesArguments.add(fn);
          return;
        }
        case 'MemberExpression':
          walk(n.object, scope, fn);
          if (n.computed) walk(n.property, scope, fn);
          return;
        case 'Property':
        case 'MethodDefinition':
        case 'PropertyDefinition':
          if (n.computed) walk(n.key, scope, fn);
          if (n.value) walk(n.value, scope, fn);
          return;
        case 'LabeledStatement':
          walk(n.body, scope, fn);
          return;
        case 'BreakStatement':
        case 'ContinueStatement':
        case 'MetaProperty':
          if (n.type === 'MetaProperty' && n.meta.name === 'new' && fn) ctorUsed.add(fn);
          return;
      }
      for (const c of children(n)) walk(c, scope, fn);
    };
    walk(ast, programScope, null);
  })();
  for (const f of allFns) fnParams.set(f, f.params);

  /* Abstract state (monotone). */
  const props = new Map<string, AV>();
  /** Functions handed to code the analysis cannot see (callers unknown, arguments unknown). */
  const escaped = new Set<Node>();
  /** Functions stored in properties (called by name, or through reflection). */
  const propStored = new Set<Node>();
  const escapedK6 = new Set<string>();
  const ret = new Map<Node, AV>();
  const B = new Set<Node>();
  /** Functions that block for certain (through calls that are certainly blocking). */
  const Bc = new Set<Node>();
  /** What the first blocking call found in a function's body calls (for messages). */
  const why = new Map<Node, AV>();
  let changed = true;
  let recording = false;

  const makeAsync = new Map<Node, number>();
  const awaitCalls = new Set<Node>();
  const guardCalls = new Map<Node, string>();
  const routeCalls = new Set<Node>();
  const refusals: Refusal[] = [];
  const refusedAt = new Set<number>();

  /**
   * Merges `v` into a location. A location that may hold more than CAP functions becomes
   * "any escaped value" (its functions escape): the sets stay small, so each pass stays linear.
   */
  const flow = (into: AV, v: AV) => {
    if (into.unk === 2) {
      escape(v);
      if (v.obj && !into.obj) (into.obj = true), (changed = true);
      return;
    }
    if (mergeInto(into, v)) changed = true;
    if (into.fns.size > CAP) {
      escape(into);
      into.fns = NONE;
      into.unk = 2;
      changed = true;
    }
  };
  /** `v` is stored in a property: reflection may reach it. */
  const store = (v: AV) => {
    for (const f of v.fns) if (!propStored.has(f)) (propStored.add(f), (changed = true));
    for (const k of v.k6) if (!escapedK6.has(k)) (escapedK6.add(k), (changed = true));
  };
  /** `v` may now be read by code the analysis cannot see: unknown values may be it. */
  const escape = (v: AV) => {
    for (const f of v.fns) if (!escaped.has(f)) (escaped.add(f), (changed = true));
    for (const k of v.k6) if (!escapedK6.has(k)) (escapedK6.add(k), (changed = true));
  };
  /** Functions called by built-ins or k6 that do not keep them: called with unknown arguments. */
  const hostCalled = new Set<Node>();
  const hostCall = (v: AV) => {
    for (const f of v.fns) if (!hostCalled.has(f)) (hostCalled.add(f), (changed = true));
    for (const k of v.k6) if (!escapedK6.has(k)) (escapedK6.add(k), (changed = true));
  };
  const propLoc = (name: string): AV => {
    let p = props.get(name);
    if (!p) props.set(name, (p = HOST()));
    return p;
  };
  /** Property names the script assigns somewhere. */
  const assigned = new Set<string>();
  /** Values stored on built-in values (`arr.f = fn`), by name. */
  const hostProps = new Map<string, AV>();
  const hostPropLoc = (name: string): AV => {
    let p = hostProps.get(name);
    if (!p) hostProps.set(name, (p = HOST()));
    return p;
  };
  /** Values stored under a computed name: readable under any name. */
  const anyName = HOST();
  const writeProp = (name: string | undefined, v: AV) => {
    if (name === undefined) {
      flow(anyName, v);
      return store(v);
    }
    if (!assigned.has(name)) (assigned.add(name), (changed = true));
    flow(propLoc(name), v);
    store(v);
  };
  const retOf = (f: Node): AV => {
    let r = ret.get(f);
    if (!r) ret.set(f, (r = HOST()));
    return r;
  };

  /** Functions that cannot be async (their callers never await them). */
  const syncOnly = (f: Node): boolean => ctorUsed.has(f) || (f.generator && !f.async) || kindOf.get(f) !== undefined;
  /** getter/setter/constructor functions, by their defining node */
  const kindOf = new Map<Node, string>();

  let unkVersion = '';
  const unkB: [boolean, boolean, boolean] = [false, false, false];
  /** Async generators are awaited by `for await`, not by their callers. */
  const fnBlocks = (f: Node) => B.has(f) && !syncOnly(f) && !f.generator;
  const k6Blocks = (k: string) => BLOCKING.has(k);
  const unkMayBlock = (level: 0 | 1 | 2): boolean => {
    if (level === 0) return false;
    const version = `${escaped.size} ${propStored.size} ${escapedK6.size} ${B.size} ${ctorUsed.size}`;
    if (unkVersion !== version) {
      unkVersion = version;
      unkB[1] = false;
      for (const f of escaped) if (fnBlocks(f)) unkB[1] = true;
      for (const k of escapedK6) if (k6Blocks(k)) unkB[1] = true;
      unkB[2] = unkB[1];
      if (!unkB[2]) for (const f of propStored) if (fnBlocks(f)) unkB[2] = true;
    }
    return unkB[level];
  };
  const mayBlock = (v: AV): boolean => {
    for (const f of v.fns) if (fnBlocks(f)) return true;
    for (const k of v.k6) if (k6Blocks(k)) return true;
    return unkMayBlock(v.unk);
  };
  /** How `v` reaches a blocking k6 call, for messages: `load() → http.get`. */
  const explain = (v: AV, depth = 0): string => {
    for (const k of v.k6) if (k6Blocks(k)) return k6Name(k);
    for (const f of v.fns) {
      if (!fnBlocks(f)) continue;
      const w = why.get(f);
      return describeFn(f) + (w && depth < 6 ? ' → ' + explain(w, depth + 1) : '');
    }
    if (v.unk) return 'a value the analysis cannot follow, which may be any function stored in an object or handed to a built-in (one of them blocks)';
    return 'a blocking k6 call';
  };

  const k6Child = (k: string, name: string): string | undefined => {
    const isModule = !k.includes('.') && !k.endsWith('()');
    if (name === 'default' && isModule) return k;
    const c = `${k}.${name}`;
    return K6_PREFIXES.has(c) ? c : undefined;
  };

  const readMember = (obj: AV, name: string | undefined): AV => {
    if (name === undefined) return UNKNOWN();
    const out = HOST();
    if (obj.obj || obj.unk) {
      // What the script stores under this name; a name it never assigns holds what the receiver's
      // maker put there (possibly an object of the script, when the receiver is unknown).
      mergeInto(out, propLoc(name));
      mergeInto(out, anyName);
      if (!assigned.has(name)) out.obj = true;
    } else {
      const h = hostProps.get(name);
      if (h) mergeInto(out, h);
    }
    for (const k of obj.k6) {
      const c = k6Child(k, name);
      if (c) addK6(out, c);
    }
    if (obj.unk) {
      for (const k of escapedK6) {
        const c = k6Child(k, name);
        if (c) addK6(out, c);
      }
    }
    return out;
  };

  const k6Name = (k: string): string => {
    const [mod, ...rest] = k.split('.');
    const short = mod === 'k6' ? '' : mod === 'k6/execution' ? 'exec.' : mod.split('/').pop() + '.';
    return short + rest.join('.').replace('().', '#');
  };
  const describeFn = (f: Node): string => {
    const n = fnNames.get(f);
    return n ? `${n}()` : 'a function';
  };
  const fnNames = new Map<Node, string>();

  /* The walk: evaluates expressions to AVs, performing flows. */
  let ctx: Ctx = { fn: null, sync: null };
  const parents: Node[] = [];

  /**
   * Certainly blocking: every function the callee may be blocks for certain, and nothing else is
   * possible. Otherwise the call may block only through the analysis' imprecision (a value it
   * cannot follow, two methods of one name): it is not refused, but guarded at run time.
   */
  const certain = (v: AV): boolean => {
    if (v.unk !== 0 || (v.fns.size === 0 && v.k6.size === 0)) return false;
    for (const f of v.fns) if (!Bc.has(f) || !fnBlocks(f)) return false;
    for (const k of v.k6) if (!k6Blocks(k)) return false;
    return true;
  };

  const blockingCall = (call: Node, calleeDesc: string, via: AV) => {
    const parent = parents[parents.length - 2] ?? null;
    if (isPromiseChained(call, parent)) return; // `f().then(…)`: the Promise is used as one
    const sure = certain(via);
    if (ctx.sync !== null) {
      if (!recording) return;
      if (sure) {
        const how = explain(via);
        const through = calleeDesc === '`' + how + '`' ? '' : ` (${how})`;
        refuse(call.start, `${calleeDesc} can block${through}, but it is called in ${ctx.sync}, which cannot wait`, hintFor(ctx.sync));
      } else guardCalls.set(call, ctx.sync);
      return;
    }
    if (ctx.fn) {
      if (!B.has(ctx.fn)) {
        B.add(ctx.fn);
        why.set(ctx.fn, via);
        changed = true;
      }
      if (sure && !Bc.has(ctx.fn)) {
        Bc.add(ctx.fn);
        why.set(ctx.fn, via);
        changed = true;
      }
    }
    if (recording) awaitCalls.add(call);
  };

  const refuse = (pos: number, message: string, hint: string) => {
    if (refusedAt.has(pos)) return;
    refusedAt.add(pos);
    refusals.push({ pos, message, hint });
  };

  const hintFor = (sync: string): string => {
    if (sync.includes('constructor') || sync.includes('new')) return 'run the script with real k6, or make the blocking call in an ordinary function or method (e.g. a static factory `static create(…) { const o = new X(…); o.load(); return o; }`)';
    if (sync.includes('getter') || sync.includes('setter')) return 'run the script with real k6, or turn the accessor into a method (`getX()`) and call it';
    if (sync.includes('field') || sync.includes('static')) return 'run the script with real k6, or assign the field in an ordinary method called after construction';
    if (sync.includes('generator')) return 'run the script with real k6, or collect the values into an array in an ordinary function and iterate over it';
    if (sync.includes('implicitly')) return 'run the script with real k6, or make the blocking call before and keep its result in a field that the method returns';
    if (sync.includes('default parameter')) return 'run the script with real k6, or compute the default in the body: `function f(x) { if (x === undefined) x = …; }`';
    return 'run the script with real k6, or make the blocking call in an ordinary function';
  };

  const calleeText = (n: Node): string => {
    // esbuild's names for imports read as the script wrote them
    const t = source
      .slice(n.start, n.end)
      .replace(/\s+/g, ' ')
      .replace(/^\(0, import_\w+\.(\w+)\)$/, '$1')
      .replace(/\bimport_(\w+)\.default\./g, '$1.')
      .replace(/\bimport_\w+\./g, '');
    return '`' + (t.length > 40 ? t.slice(0, 37) + '…' : t) + '`';
  };

  /** Assigns `v` to a pattern (declarations, parameters, assignments). */
  const assign = (p: Node | null, v: AV): void => {
    if (!p) return;
    switch (p.type) {
      case 'Identifier': {
        const b = refOf.get(p);
        if (b) flow(b.value, v);
        return;
      }
      case 'MemberExpression': {
        const o = ev(p.object);
        const name = p.computed ? propName(p.property, true) : propName(p.property);
        if (p.computed && name === undefined) ev(p.property);
        writeProp(name, v);
        // stored on a built-in value (`arr.f = fn`): reads from built-in values see it too
        if (!o.obj && !o.unk && name !== undefined) flow(hostPropLoc(name), v);
        return;
      }
      case 'ObjectPattern':
        for (const q of p.properties) {
          if (q.type === 'RestElement') assign(q.argument, UNKNOWN());
          else {
            const name = q.computed ? propName(q.key, true) : propName(q.key);
            if (q.computed && name === undefined) ev(q.key);
            assign(q.value, readMember(v, name));
          }
        }
        return;
      case 'ArrayPattern':
        for (const e of p.elements) assign(e, UNKNOWN());
        return;
      case 'RestElement':
        assign(p.argument, UNKNOWN());
        return;
      case 'AssignmentPattern':
        assign(p.left, union(v, ev(p.right)));
        return;
    }
  };

  const visitFunction = (f: Node, parent: Node | null, kind: string | undefined, asyncAt: number): AV => {
    if (kind) kindOf.set(f, kind);
    const saved = ctx;
    const params = fnParams.get(f) ?? f.params;
    // Parameters: their defaults cannot await.
    ctx = { fn: null, sync: 'a default parameter value' };
    // Who calls it with what: functions handed to unknown code or to built-ins get anything;
    // methods get their call sites' arguments, plus what unknown code holds.
    const calledByHost = escaped.has(f) || hostCalled.has(f);
    if (calledByHost) for (const p of params) assign(p, UNKNOWN());
    else if (propStored.has(f)) for (const p of params) assign(p, UNKNOWN(1));
    else for (const p of params) if (p.type === 'AssignmentPattern' || p.type === 'ObjectPattern' || p.type === 'ArrayPattern') assign(p, HOST());
    const sync: SyncReason =
      kind ?? (f.generator && !f.async ? 'a generator' : ctorUsed.has(f) ? 'a function used with `new`' : null);
    ctx = { fn: f, sync };
    parents.push(f);
    if (f.body.type === 'BlockStatement') ev(f.body);
    else flow(retOf(f), ev(f.body));
    parents.pop();
    ctx = saved;
    // what a built-in gets back from a callback, it may hand to anyone (`arr.map(f)`'s array)
    if (calledByHost) escape(retOf(f));
    if (recording && sync === null && !f.async && B.has(f)) makeAsync.set(f, asyncAt);
    void parent;
    return av([f]);
  };

  const visitClass = (c: Node): AV => {
    if (c.superClass) ev(c.superClass);
    const cname = c.id?.name ?? '(anonymous class)';
    for (const m of c.body.body) {
      parents.push(m);
      if (m.type === 'MethodDefinition') {
        if (m.computed) ev(m.key);
        const name = m.computed ? propName(m.key, true) : propName(m.key);
        fnNames.set(m.value, `${cname}${m.static ? '.' : '#'}${name ?? '[computed]'}`);
        const kind = m.kind === 'constructor' ? 'a class constructor' : m.kind === 'get' ? 'a getter' : m.kind === 'set' ? 'a setter' : implicitKind(name);
        let at = m.key.start;
        if (m.computed) {
          let i = at - 1;
          while (i > 0 && /\s/.test(source[i])) i--;
          if (source[i] === '[') at = i;
        }
        const v = visitFunction(m.value, m, kind, at);
        if (m.kind !== 'constructor') writeProp(name, v);
      } else if (m.type === 'PropertyDefinition') {
        if (m.computed) ev(m.key);
        const name = m.computed ? propName(m.key, true) : propName(m.key);
        if (m.value) {
          const saved = ctx;
          ctx = { fn: null, sync: 'a class field initialiser' };
          const v = ev(m.value);
          ctx = saved;
          writeProp(name, v);
        }
      } else if (m.type === 'StaticBlock') {
        const saved = ctx;
        ctx = { fn: null, sync: 'a class static block' };
        for (const s of m.body) ev(s);
        ctx = saved;
      }
      parents.pop();
    }
    return av([c]);
  };

  /** toString() & co.: the language calls them without waiting, so they are places that cannot wait. */
  const implicitKind = (name: string | undefined): string | undefined => {
    if (name === undefined || !IMPLICIT_METHODS.has(name)) return undefined;
    const label = name.startsWith('@@') ? `[Symbol.${name.slice(2)}]` : name;
    return `${label}() (the language calls it implicitly: string conversion, JSON.stringify, for…of)`;
  };

  /** Calls: flows of arguments and results, and whether the call blocks. */
  const evCall = (n: Node): AV => {
    const c = n.type === 'TaggedTemplateExpression' ? n.tag : n.callee;
    const rawArgs: Node[] = n.type === 'TaggedTemplateExpression' ? n.quasi.expressions : n.arguments;
    const isNew = n.type === 'NewExpression';

    // super(…): a parent constructor, never blocking (a blocking one is refused where it is)
    if (c.type === 'Super') {
      for (const x of rawArgs) escape(ev(x));
      return HOST();
    }
    // require("k6/…")
    if (!isNew && c.type === 'Identifier' && c.name === 'require' && refOf.get(c)?.helper === false && refOf.get(c) === programScope.vars.get('require')) {
      const a = rawArgs[0];
      for (const x of rawArgs) ev(x);
      // a k6 module object: its properties are k6's, not the script's
      if (a && a.type === 'Literal' && typeof a.value === 'string' && (a.value === 'k6' || a.value.startsWith('k6/'))) return av(undefined, [a.value], 0, false);
      return UNKNOWN();
    }
    // esbuild helpers
    if (c.type === 'Identifier' && refOf.get(c)?.helper) {
      const name = c.name;
      if (name === '__toESM' || name === '__name') {
        const v = rawArgs[0] ? ev(rawArgs[0]) : HOST();
        for (const x of rawArgs.slice(1)) ev(x);
        return v;
      }
      if (name === '__export') {
        for (const x of rawArgs) {
          if (x.type === 'ObjectExpression') for (const p of x.properties) (p.value ? ev(p.value) : ev(p));
          else ev(x);
        }
        return HOST();
      }
      if (name === '__publicField') {
        const [o, k, v] = rawArgs.map((x) => ev(x));
        void o;
        void k;
        writeProp(propName(rawArgs[1], true), v ?? HOST());
        return v ?? HOST();
      }
      const vs = rawArgs.map((x) => ev(x));
      for (const v of vs) escape(v);
      return UNKNOWN();
    }

    let callee: AV;
    let args: AV[];
    let thisShift = false;
    let cbMethod: string | undefined;
    // f.call(t, …) / f.apply(t, arr) / f.bind(t, …)
    if (!isNew && c.type === 'MemberExpression' && !c.computed && ['call', 'apply', 'bind'].includes(c.property.name)) {
      const fnv = ev(c.object);
      args = rawArgs.map((x) => ev(x));
      const m = c.property.name;
      if (c.object.type === 'MemberExpression' && !c.object.computed && CALLBACK_METHODS.has(c.object.property.name) && args.slice(1).some(certain)) {
        // Array.prototype.map.call(x, f): a callback the runtime cannot route
        if (recording) refuse(n.start, `a callback that can block is handed to ${calleeText(c)}, which does not wait for it`, `run the script with real k6, or call the method on the array itself: \`arr.${c.object.property.name}(f)\``);
        for (const a of args) escape(a);
        return UNKNOWN();
      }
      if (m === 'bind') {
        for (const a of args) escape(a);
        return fnv;
      }
      callee = fnv;
      thisShift = true;
      if (m === 'apply') args = [args[0] ?? HOST(), ...(args[1] ? [UNKNOWN()] : [])];
    } else {
      callee = ev(c);
      args = rawArgs.map((x) => ev(x));
      if (!isNew && c.type === 'MemberExpression') {
        const name = c.computed ? propName(c.property, true) : propName(c.property);
        if (name !== undefined && (CALLBACK_METHODS.has(name) || (name === 'from' && c.object.type === 'Identifier' && c.object.name === 'Array'))) cbMethod = name;
      }
    }
    const spreadAt = rawArgs.findIndex((a) => a.type === 'SpreadElement');
    const callArgs = thisShift ? args.slice(1) : args;

    // JSON.stringify(v, replacer) / JSON.parse(s, reviver) / Object.defineProperty(o, k, {get, set})
    const builtin = c.type === 'MemberExpression' && !c.computed && c.object.type === 'Identifier' && refOf.get(c.object) === programScope.vars.get(c.object.name) && !programScope.vars.get(c.object.name)?.value.fns.size
      ? `${c.object.name}.${c.property.name}` : undefined;
    if (recording && (builtin === 'JSON.stringify' || builtin === 'JSON.parse') && args[1] && certain(args[1])) {
      refuse(rawArgs[1].start, `the ${builtin === 'JSON.stringify' ? 'replacer' : 'reviver'} handed to ${builtin} can block (it reaches a blocking k6 call), but ${builtin} does not wait for it`, `run the script with real k6, or make the blocking calls before ${builtin} and pass their results in`);
    }
    if ((builtin === 'Object.defineProperty' || builtin === 'Reflect.defineProperty') && rawArgs[2]?.type === 'ObjectExpression') {
      for (const p of rawArgs[2].properties) {
        const k = p.type === 'Property' ? propName(p.key, p.computed) : undefined;
        if ((k === 'get' || k === 'set') && recording) {
          const fv = p.value && isFunction(p.value) ? av([p.value]) : HOST();
          if (certain(fv)) refuse(p.start, `an accessor defined with ${builtin} can block (it reaches a blocking k6 call), but property reads and writes cannot wait`, hintFor('a getter'));
        }
      }
    }

    // Where the arguments go, and what the call returns.
    const result = HOST();
    // A method may always be a built-in's (`arr.map` next to a script method named `map`).
    const viaMember = c.type === 'MemberExpression' || (thisShift && c.object.type === 'MemberExpression');
    let hostCallee = viaMember || callee.unk || (callee.fns.size === 0 && callee.k6.size === 0);
    for (const f of callee.fns) {
      let target: Node | null = f;
      if (f.type === 'ClassDeclaration' || f.type === 'ClassExpression') {
        if (!isNew) continue;
        target = classCtor.get(f) ?? null;
        result.obj = true;
        if (!target) {
          // implicit constructor: arguments go to the parent's
          hostCallee = true;
          continue;
        }
      } else if (isNew && !ctorUsed.has(f)) {
        ctorUsed.add(f);
        changed = true;
      }
      const params = fnParams.get(target) ?? [];
      params.forEach((p: Node, i: number) => {
        if (p.type === 'RestElement' || (spreadAt >= 0 && i >= spreadAt)) assignParam(p, UNKNOWN());
        else assignParam(p, callArgs[i] ?? HOST());
      });
      if (callArgs.length > params.length || usesArguments.has(target) || spreadAt >= 0) for (const a of callArgs) escape(a);
      if (!isNew) mergeInto(result, retOf(target));
      else result.obj = true;
    }
    for (const k of callee.k6) {
      const c2 = `${k}()`;
      if (K6_PREFIXES.has(c2)) addK6(result, c2);
    }
    // Built-ins and k6 APIs that call their callbacks but never keep them (nor hand them back):
    // the callbacks are called with unknown arguments, but do not escape.
    const methodName = c.type === 'MemberExpression' && !c.computed ? c.property.name : undefined;
    const nonStoring =
      (callee.k6.size > 0 && callee.fns.size === 0 && !callee.unk) ||
      cbMethod !== undefined ||
      (!isNew && (methodName === 'then' || methodName === 'catch' || methodName === 'finally')) ||
      builtin === 'JSON.stringify' ||
      builtin === 'JSON.parse' ||
      (isNew && c.type === 'Identifier' && c.name === 'Promise' && callee.fns.size === 0);
    if (callee.k6.size > 0) {
      if ([...callee.k6].some((k) => k === 'k6.group')) mergeInto(result, UNKNOWN());
    }
    if (nonStoring) for (const a of callArgs) hostCall(a);
    if (hostCallee || callee.k6.size > 0) {
      // handed to code we cannot see (a built-in, or an unknown function)
      if (!nonStoring) for (const a of callArgs) escape(a);
      if (isNew && callee.fns.size === 0 && !callee.unk) {
        /* a built-in constructor: a built-in object */
      } else mergeInto(result, UNKNOWN());
    }

    // Does it block?
    if (!isNew) {
      const argsAV = union(...args, ...rawArgs.map((a) => (a.type === 'ObjectExpression' ? objectContents.get(a) ?? HOST() : HOST())));
      if (cbMethod !== undefined && args.some(mayBlock)) {
        if (c.optional || n.optional || c.computed) {
          if (recording && args.some(certain)) refuse(n.start, `a callback that can block (${explain(argsAV)}) is handed to ${calleeText(c)} through ${c.computed ? 'a computed member' : 'optional chaining'}, which the engine cannot wait for`, `run the script with real k6, or write it as a plain method call (\`if (arr) arr.${cbMethod}(f)\`)`);
        } else {
          if (recording && ctx.sync === null) routeCalls.add(n);
          blockingCall(n, `${calleeText(c)} with a callback that`, argsAV);
        }
      } else if (mayBlock(callee)) {
        blockingCall(n, calleeText(c), callee);
      } else if ([...callee.k6].some((k) => PASS_THROUGH.has(k)) && mayBlock(argsAV)) {
        // group(name, fn) / check(v, { name: fn }): block when a callback may
        blockingCall(n, `${calleeText(c)} with a callback that`, argsAV);
      }
    }
    return result;
  };

  const assignParam = (p: Node, v: AV) => {
    const saved = ctx;
    ctx = { fn: null, sync: 'a default parameter value' };
    assign(p, v);
    ctx = saved;
  };

  /** Values of an object literal's properties (for `check(v, { name: fn })`). */
  const objectContents = new Map<Node, AV>();

  const ev = (n: Node | null | undefined): AV => {
    if (!n) return HOST();
    if (isFunction(n)) {
      const parent = parents[parents.length - 1] ?? null;
      const name = n.id?.name ?? (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier' ? parent.id.name : undefined);
      if (name && !fnNames.has(n)) fnNames.set(n, name);
      const v = visitFunction(n, parent, undefined, n.start);
      if (n.type === 'FunctionDeclaration' && n.id) {
        const b = refOf.get(n.id) ?? scopeOfFn.get(n)?.parent?.lookup(n.id.name);
        if (b) flow(b.value, v);
        return HOST();
      }
      if (n.type === 'FunctionExpression' && n.id) {
        const inner = refOf.get(n.id);
        if (inner) flow(inner.value, v);
      }
      return v;
    }
    parents.push(n);
    try {
      return evNode(n);
    } finally {
      parents.pop();
    }
  };

  const evNode = (n: Node): AV => {
    switch (n.type) {
      case 'Identifier': {
        const b = refOf.get(n);
        return b ? b.value : HOST();
      }
      case 'Literal':
      case 'TemplateElement':
      case 'MetaProperty':
        return HOST();
      case 'ThisExpression':
      case 'Super':
        return UNKNOWN();
      case 'TemplateLiteral':
      case 'BinaryExpression':
      case 'UnaryExpression':
      case 'UpdateExpression':
        for (const c of children(n)) ev(c);
        return HOST();
      case 'ArrayExpression':
        for (const e of n.elements) if (e) escape(ev(e));
        return HOST();
      case 'SpreadElement':
        escape(ev(n.argument));
        return UNKNOWN();
      case 'ObjectExpression': {
        const contents = HOST();
        for (const p of n.properties) {
          if (p.type === 'SpreadElement') {
            escape(ev(p.argument));
            continue;
          }
          if (p.computed) ev(p.key);
          const name = p.computed ? propName(p.key, true) : propName(p.key);
          parents.push(p);
          let v: AV;
          if (p.kind === 'get' || p.kind === 'set') v = visitFunction(p.value, p, p.kind === 'get' ? 'a getter' : 'a setter', p.key.start);
          else if (p.method) {
            fnNames.set(p.value, name ?? '[computed]');
            let at = p.key.start;
            if (p.computed) {
              let i = at - 1;
              while (i > 0 && /\s/.test(source[i])) i--;
              if (source[i] === '[') at = i;
            }
            v = visitFunction(p.value, p, implicitKind(name), at);
          } else {
            if (isFunction(p.value) && name && !fnNames.has(p.value)) fnNames.set(p.value, name);
            v = ev(p.value);
          }
          parents.pop();
          writeProp(name, v);
          mergeInto(contents, v);
        }
        objectContents.set(n, contents);
        return av(undefined, undefined, 0, true);
      }
      case 'ClassDeclaration': {
        const v = visitClass(n);
        if (n.id) {
          const b = refOf.get(n.id);
          if (b) flow(b.value, v);
        }
        return HOST();
      }
      case 'ClassExpression': {
        // `var A = class _A { … new _A() … }` (esbuild's shape): the inner name is the class too
        const v = visitClass(n);
        const inner = n.id ? refOf.get(n.id) : undefined;
        if (inner) flow(inner.value, v);
        return v;
      }
      case 'MemberExpression': {
        const o = ev(n.object);
        let name: string | undefined;
        if (n.computed) {
          name = propName(n.property, true);
          if (name === undefined) {
            ev(n.property);
            return UNKNOWN(); // any escaped value, stored properties included
          }
        } else name = propName(n.property);
        if (name === 'prototype') {
          for (const f of o.fns) if (!ctorUsed.has(f) && f.type !== 'ClassDeclaration' && f.type !== 'ClassExpression') (ctorUsed.add(f), (changed = true));
        }
        return readMember(o, name);
      }
      case 'ChainExpression':
        return ev(n.expression);
      case 'CallExpression':
      case 'NewExpression':
      case 'TaggedTemplateExpression':
        return evCall(n);
      case 'AssignmentExpression': {
        const v = ev(n.right);
        if (n.operator === '=' || n.operator === '||=' || n.operator === '&&=' || n.operator === '??=') assign(n.left, v);
        else if (n.left.type === 'MemberExpression') ev(n.left);
        return v;
      }
      case 'SequenceExpression': {
        let last = HOST();
        for (const e of n.expressions) last = ev(e);
        return last;
      }
      case 'ConditionalExpression':
        ev(n.test);
        return union(ev(n.consequent), ev(n.alternate));
      case 'LogicalExpression':
        return union(ev(n.left), ev(n.right));
      case 'AwaitExpression':
        return union(ev(n.argument), UNKNOWN());
      case 'YieldExpression':
        if (n.argument) escape(ev(n.argument));
        return UNKNOWN();
      case 'ImportExpression':
        ev(n.source);
        return UNKNOWN();
      /* statements */
      case 'VariableDeclaration':
        for (const d of n.declarations) {
          parents.push(d);
          if (d.init) {
            if (isFunction(d.init) && d.id.type === 'Identifier') fnNames.set(d.init, d.id.name);
            // esbuild's helpers are modelled, not analysed
            if (d.id.type === 'Identifier' && refOf.get(d.id)?.helper) {
              parents.pop();
              continue;
            }
            assign(d.id, ev(d.init));
          } else if (d.id.type !== 'Identifier') assign(d.id, HOST());
          parents.pop();
        }
        return HOST();
      case 'ReturnStatement': {
        const v = ev(n.argument);
        if (ctx.fn) flow(retOf(ctx.fn), v);
        return HOST();
      }
      case 'ForInStatement':
      case 'ForOfStatement': {
        ev(n.right);
        const left = n.left.type === 'VariableDeclaration' ? n.left.declarations[0].id : n.left;
        assign(left, n.type === 'ForInStatement' ? HOST() : UNKNOWN());
        ev(n.body);
        return HOST();
      }
      case 'CatchClause':
        if (n.param) assign(n.param, UNKNOWN());
        ev(n.body);
        return HOST();
      case 'LabeledStatement':
        ev(n.body);
        return HOST();
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'EmptyStatement':
      case 'DebuggerStatement':
        return HOST();
    }
    for (const c of children(n)) ev(c);
    return HOST();
  };

  /* Fixpoint, then one recording pass. */
  let passes = 0;
  while (changed && passes < 100) {
    changed = false;
    passes++;
    ctx = { fn: null, sync: null };
    ev(ast);
  }
  recording = true;
  changed = false;
  ctx = { fn: null, sync: null };
  ev(ast);
  passes++;

  return {
    makeAsync,
    awaitCalls,
    guardCalls,
    routeCalls,
    refusals: refusals.sort((a, b) => a.pos - b.pos),
    stats: { functions: allFns.length, blocking: [...B].filter(fnBlocks).length, passes },
  };
}
