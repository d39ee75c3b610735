/**
 * May every VU of a script run in ONE realm? A realm (`vm.createContext`) costs ~180 KiB, more
 * than real k6 spends on a whole VU, so VUs share one when no VU could notice: each VU still runs
 * the bundle's body in a call of its own (its own module scope, exports, module instances,
 * `__VU`/`__ITER`/`__ENV`/`console`/`open`/`crypto`/`Math` bindings), so the only things VUs would share
 * are the realm's global object and its built-in objects. A script shares the realm unless it
 * could reach or change them, decided conservatively on the bundle (before the async transform):
 *
 *   - the global object: `globalThis`, `global`, `window`, `self`, `eval`, the `Function`
 *     constructor (its code is sloppy: `this` is the global object), `x.constructor(...)`;
 *   - writes (`=`, `op=`, `++`, `delete`, destructuring targets) to a member of a built-in
 *     (`Math.random = f`, `Array.prototype.x = …`, `Error.stackTraceLimit = 50`), of anything
 *     reached through `prototype` / `__proto__` / `constructor`, of an undeclared global, or of
 *     the result of a call (`Object.getPrototypeOf(x).y = 1`); assigning a built-in's name;
 *   - a built-in object, a prototype (`X.prototype`, `x.__proto__`, `Object.getPrototypeOf(x)`)
 *     held or passed anywhere but to known readers (`Object.keys(Math)`, `Object.create(P)`), so
 *     it cannot be changed through an alias (`const M = Math; M.random = f`);
 *   - `Object.assign/defineProperty/...` or `Reflect.set/...` applied to such objects (also
 *     through aliases such as esbuild's `__defProp`);
 *   - RegExp's legacy statics (`RegExp.$1`: the last match of the realm, i.e. of any VU).
 *
 * Anything else keeps plain JavaScript semantics in a shared realm. A script that trips a rule
 * gets a realm per VU (the previous design: same behaviour, more memory); the reason is logged
 * at debug level with its line.
 */
import * as acorn from 'acorn';
import vm from 'node:vm';

export type RealmSharing = { shared: true } | { shared: false; reason: string; offset: number };

type Node = acorn.Node & Record<string, any>;

/** Names that reach the global object or evaluate code in it. */
const GLOBAL_OBJECT_NAMES = new Set(['globalThis', 'global', 'window', 'self', 'eval']);
/** Per-VU names the runtime binds for each VU (never shared): writing their members is fine. */
const PER_VU_NAMES = new Set(['__VU', '__ITER', '__ENV', 'console', 'open', 'crypto', 'require', 'module', 'exports']);
/** Member names that lead from an ordinary value to a built-in (prototype) object. */
const PROTO_MEMBERS = new Set(['prototype', '__proto__', 'constructor']);
/** RegExp statics holding the realm's last match. */
const REGEXP_STATICS = /^(\$.*|input|lastMatch|lastParen|leftContext|rightContext)$/;
/** Calls that only read the object in their first argument (or create from it). */
const READERS = new Set([
  'Object.create', 'Object.keys', 'Object.values', 'Object.entries', 'Object.getOwnPropertyNames',
  'Object.getOwnPropertySymbols', 'Object.getOwnPropertyDescriptor', 'Object.getOwnPropertyDescriptors',
  'Object.getPrototypeOf', 'Object.isFrozen', 'Object.isSealed', 'Object.isExtensible', 'Object.hasOwn', 'Object.is',
  'Reflect.ownKeys', 'Reflect.has', 'Reflect.get', 'Reflect.getOwnPropertyDescriptor', 'Reflect.getPrototypeOf',
  'Reflect.isExtensible', 'Array.isArray', 'JSON.stringify', 'String', 'Boolean',
]);
/** Calls that change the object in their first argument. */
const MUTATORS = new Set([
  'Object.defineProperty', 'Object.defineProperties', 'Object.assign', 'Object.setPrototypeOf', 'Object.freeze',
  'Object.seal', 'Object.preventExtensions', 'Reflect.set', 'Reflect.defineProperty', 'Reflect.deleteProperty',
  'Reflect.setPrototypeOf', 'Reflect.preventExtensions',
]);
/** Calls whose result is a prototype object. */
const PROTO_GETTERS = new Set(['Object.getPrototypeOf', 'Reflect.getPrototypeOf']);
/** Methods that call a callback: passing a built-in function (`map(String)`) does not change it. */
const CALLBACK_TAKERS = new Set([
  'map', 'filter', 'forEach', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'flatMap',
  'reduce', 'reduceRight', 'sort', 'toSorted', 'then', 'catch', 'finally', 'from', 'replace', 'replaceAll',
]);

let builtinNames: Set<string> | undefined;
/** Own properties of a fresh realm's global object holding objects (Object, Math, JSON, Intl, …; not NaN, undefined). */
function builtins(): Set<string> {
  return (builtinNames ??= new Set(
    vm.runInNewContext("Object.getOwnPropertyNames(globalThis).filter((k) => { const v = globalThis[k]; return (typeof v === 'object' && v !== null) || typeof v === 'function'; })") as string[],
  ));
}

class Unsafe extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
  }
}

/** Decides for the bundle `code` (a script body, CommonJS as esbuild emits it). */
export function realmSharing(code: string): RealmSharing {
  let ast: Node;
  try {
    ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true }) as Node;
  } catch (e) {
    return { shared: false, reason: `cannot parse the bundle (${(e as Error).message})`, offset: 0 };
  }
  try {
    new Analysis(ast).run();
    return { shared: true };
  } catch (e) {
    if (e instanceof Unsafe) return { shared: false, reason: e.reason, offset: e.offset };
    throw e;
  }
}

class Analysis {
  /** Every name bound anywhere in the bundle (over-approximates what shadows a global). */
  private readonly declared = new Set<string>();
  /** Binding identifier nodes (not references). */
  private readonly bindings = new Set<Node>();
  /** Local aliases of Object/Reflect functions: `var __defProp = Object.defineProperty`. */
  private readonly aliases = new Map<string, string>();
  private readonly parents = new Map<Node, Node>();

  constructor(private readonly ast: Node) {}

  run(): void {
    this.collect(this.ast, null);
    this.visit(this.ast);
  }

  private collect(n: Node, parent: Node | null): void {
    if (parent) this.parents.set(n, parent);
    switch (n.type) {
      case 'VariableDeclarator':
        this.bind(n.id);
        if (n.id.type === 'Identifier' && n.init) {
          const q = this.qualified(n.init);
          if (q) this.aliases.set(n.id.name, q);
        }
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        if (n.id) this.bind(n.id);
        for (const p of n.params) this.bind(p);
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        if (n.id) this.bind(n.id);
        break;
      case 'CatchClause':
        if (n.param) this.bind(n.param);
        break;
    }
    for (const c of children(n)) this.collect(c, n);
  }

  /** Marks the identifiers of a binding pattern. */
  private bind(p: Node | null): void {
    if (!p) return;
    switch (p.type) {
      case 'Identifier':
        this.declared.add(p.name);
        this.bindings.add(p);
        break;
      case 'ObjectPattern':
        for (const prop of p.properties) this.bind(prop.type === 'RestElement' ? prop.argument : prop.value);
        break;
      case 'ArrayPattern':
        for (const e of p.elements) this.bind(e);
        break;
      case 'RestElement':
        this.bind(p.argument);
        break;
      case 'AssignmentPattern':
        this.bind(p.left);
        break;
    }
  }

  /** `Object.defineProperty` for that member expression or a local alias of it; else undefined. */
  private qualified(n: Node): string | undefined {
    if (n.type === 'Identifier') return this.aliases.get(n.name);
    if (n.type === 'MemberExpression' && !n.computed && n.object.type === 'Identifier' && n.property.type === 'Identifier') {
      const base = n.object.name;
      if ((base === 'Object' || base === 'Reflect') && !this.declared.has(base)) return `${base}.${n.property.name}`;
    }
    return undefined;
  }

  private calleeName(call: Node): string | undefined {
    const c = call.callee;
    if (c.type === 'Identifier') return this.aliases.get(c.name) ?? (builtins().has(c.name) && !this.declared.has(c.name) ? c.name : undefined);
    return this.qualified(c) ?? (c.type === 'MemberExpression' && !c.computed && c.object.type === 'Identifier' ? `${c.object.name}.${c.property.name}` : undefined);
  }

  /** A realm global (built-in or undeclared) used by this name here. */
  private isGlobalRef(id: Node): boolean {
    if (PER_VU_NAMES.has(id.name)) return false;
    return !this.declared.has(id.name);
  }

  private isBuiltinRef(id: Node): boolean {
    return builtins().has(id.name) && !this.declared.has(id.name);
  }

  /** Could `n` evaluate to a built-in object (or the global object)? */
  private isBuiltinish(n: Node): boolean {
    if (n.type === 'Identifier') return !this.bindings.has(n) && this.isBuiltinRef(n);
    if (n.type === 'MemberExpression') return memberName(n) !== undefined && PROTO_MEMBERS.has(memberName(n)!);
    if (n.type === 'CallExpression') return PROTO_GETTERS.has(this.calleeName(n) ?? '');
    if (n.type === 'ChainExpression' || n.type === 'ParenthesizedExpression') return this.isBuiltinish(n.expression);
    return false;
  }

  private fail(reason: string, n: Node): never {
    throw new Unsafe(reason, n.start);
  }

  private visit(n: Node): void {
    switch (n.type) {
      case 'Identifier':
        this.identifier(n);
        break;
      case 'AssignmentExpression':
        this.target(n.left, n);
        break;
      case 'UpdateExpression':
        this.target(n.argument, n);
        break;
      case 'UnaryExpression':
        if (n.operator === 'delete') this.target(n.argument, n);
        break;
      case 'ForInStatement':
      case 'ForOfStatement':
        if (n.left.type !== 'VariableDeclaration') this.target(n.left, n);
        break;
      case 'CallExpression':
      case 'NewExpression':
        this.call(n);
        break;
      case 'MemberExpression':
        if (n.object.type === 'Identifier' && n.object.name === 'RegExp' && this.isBuiltinRef(n.object) && REGEXP_STATICS.test(memberName(n) ?? '$'))
          this.fail('reads RegExp legacy statics (`RegExp.$1`: the last match in the realm)', n);
        break;
    }
    if (n.type !== 'Identifier' && this.isBuiltinish(n)) this.escape(n);
    for (const c of children(n)) this.visit(c);
  }

  private identifier(n: Node): void {
    if (this.bindings.has(n) || !isReference(n, this.parents.get(n))) return;
    if (GLOBAL_OBJECT_NAMES.has(n.name) && (n.name === 'globalThis' || n.name === 'eval' || !this.declared.has(n.name)))
      this.fail(`uses \`${n.name}\` (the realm's global object)`, n);
    if (n.name === 'Function' && this.isBuiltinRef(n)) {
      const p = this.parents.get(n)!;
      const ok = (p.type === 'BinaryExpression' && p.operator === 'instanceof' && p.right === n) || (p.type === 'MemberExpression' && p.object === n);
      if (!ok) this.fail('uses the `Function` constructor (its code runs in the global scope)', n);
    }
    if (this.isBuiltinRef(n)) this.escape(n);
  }

  /**
   * `n` evaluates to a built-in (or prototype) object: fine where it is only read (`Math.max`,
   * `new Map()`, `x instanceof Array`, `Object.keys(Math)`), unsafe where it could be kept and
   * changed later (`const M = Math`, `f(Array.prototype)`).
   */
  private escape(n: Node): void {
    let child = n;
    let p = this.parents.get(n);
    while (p && (p.type === 'ChainExpression' || p.type === 'ParenthesizedExpression')) [child, p] = [p, this.parents.get(p)];
    if (!p) return;
    switch (p.type) {
      case 'MemberExpression':
        if (p.object === child) return; // a read of a member; writes are checked by target()
        break;
      case 'CallExpression':
      case 'NewExpression': {
        if (p.callee === child) return;
        const name = this.calleeName(p);
        if (name && READERS.has(name)) return;
        if (name === 'Object.setPrototypeOf' && p.arguments[1] === child) return;
        if (name && MUTATORS.has(name)) break; // reported by call()
        const prop = p.callee.type === 'MemberExpression' ? memberName(p.callee) : undefined;
        if (n.type === 'Identifier' && prop && CALLBACK_TAKERS.has(prop)) return; // arr.map(String)
        break;
      }
      case 'BinaryExpression':
        if (p.operator === 'instanceof' || p.operator === 'in' || p.operator === '===' || p.operator === '!==' || p.operator === '==' || p.operator === '!=') return;
        break;
      case 'UnaryExpression':
        if (p.operator === 'typeof' || p.operator === 'void' || p.operator === '!') return;
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        if (p.superClass === child) return;
        break;
      case 'VariableDeclarator':
        if (p.init === child && p.id.type === 'ObjectPattern' && p.id.properties.every((x: Node) => x.type === 'Property' && x.value.type === 'Identifier')) return; // const { floor } = Math
        break;
      case 'ExpressionStatement':
      case 'SequenceExpression':
        return;
    }
    this.fail(`keeps or passes on a built-in object (${describe(n)})`, n);
  }

  /** The target of a write (assignment, update, delete, destructuring, for-in/of). */
  private target(t: Node, at: Node): void {
    switch (t.type) {
      case 'Identifier':
        if (!this.declared.has(t.name) && builtins().has(t.name)) this.fail(`assigns the built-in \`${t.name}\``, t);
        return;
      case 'MemberExpression':
        this.memberTarget(t);
        return;
      case 'ObjectPattern':
        for (const prop of t.properties) this.target(prop.type === 'RestElement' ? prop.argument : prop.value, at);
        return;
      case 'ArrayPattern':
        for (const e of t.elements) if (e) this.target(e, at);
        return;
      case 'RestElement':
        this.target(t.argument, at);
        return;
      case 'AssignmentPattern':
        this.target(t.left, at);
        return;
      case 'ChainExpression':
      case 'ParenthesizedExpression':
        this.target(t.expression, at);
        return;
    }
  }

  /** `a.b.c = …`: unsafe when the chain passes a prototype or starts at a global or a call. */
  private memberTarget(t: Node): void {
    let o: Node = t;
    while (o.type === 'MemberExpression' || o.type === 'ChainExpression' || o.type === 'ParenthesizedExpression') {
      if (o.type === 'MemberExpression') {
        const name = memberName(o);
        if (name !== undefined && PROTO_MEMBERS.has(name)) this.fail(`changes a prototype (\`${name}\`)`, t);
        o = o.object;
      } else o = o.expression;
    }
    switch (o.type) {
      case 'Identifier':
        if (this.isGlobalRef(o)) this.fail(`changes a member of the global \`${o.name}\``, t);
        return;
      case 'ThisExpression':
      case 'Super':
      case 'ObjectExpression':
      case 'ArrayExpression':
      case 'NewExpression':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ClassExpression':
        return;
      default:
        this.fail('changes a member of a value it cannot tell is not built-in (the result of a call or expression)', t);
    }
  }

  private call(n: Node): void {
    // `x.constructor.constructor('return this')()`; `new this.constructor(v)` (cloning) stays fine
    if (n.callee.type === 'MemberExpression' && memberName(n.callee) === 'constructor' && (n.type === 'CallExpression' || n.arguments.some((a: Node) => a.type === 'Literal' || a.type === 'TemplateLiteral')))
      this.fail('calls `x.constructor(...)` (could be the Function constructor)', n);
    if (n.callee.type === 'MemberExpression' && /^__define[GS]etter__$/.test(memberName(n.callee) ?? '')) this.memberTarget(n.callee);
    const name = this.calleeName(n);
    if (!name || !MUTATORS.has(name) || n.arguments.length === 0) return;
    const a = n.arguments[0];
    if (this.isBuiltinish(a)) this.fail(`${name}() on a built-in object (${describe(a)})`, n);
    if (a.type === 'MemberExpression') this.memberTarget(a);
    else if (a.type === 'Identifier' && this.isGlobalRef(a)) this.fail(`${name}() on the global \`${a.name}\``, n);
    else if (a.type === 'CallExpression') this.fail(`${name}() on the result of a call`, n);
  }
}

function memberName(m: Node): string | undefined {
  if (!m.computed && m.property.type === 'Identifier') return m.property.name;
  if (m.computed && m.property.type === 'Literal' && typeof m.property.value === 'string') return m.property.value;
  if (m.computed) return undefined;
  return undefined;
}

function describe(n: Node): string {
  if (n.type === 'Identifier') return `\`${n.name}\``;
  if (n.type === 'MemberExpression') return `\`.${memberName(n) ?? '[…]'}\``;
  return 'a prototype';
}

/** Is this identifier read or written as a variable (not a property key, label or meta)? */
function isReference(n: Node, p: Node | undefined): boolean {
  if (!p) return true;
  switch (p.type) {
    case 'MemberExpression':
      return p.object === n || p.computed;
    case 'Property':
    case 'PropertyDefinition':
    case 'MethodDefinition':
      return p.key !== n || p.computed || (p.type === 'Property' && p.shorthand && p.value === n);
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
    case 'MetaProperty':
      return false;
    default:
      return true;
  }
}

function children(n: Node): Node[] {
  const out: Node[] = [];
  for (const k in n) {
    if (k === 'start' || k === 'end' || k === 'loc' || k === 'range') continue;
    const v = n[k];
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x.type === 'string') out.push(x);
    } else if (v && typeof v === 'object' && typeof v.type === 'string') out.push(v);
  }
  return out;
}
