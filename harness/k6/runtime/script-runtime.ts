/**
 * `loadScript` and the VUs it creates.
 *
 *   bundleScript (esbuild) ─▶ transformScript (async rewrite) ─▶ one vm.Script, compiled once
 *        └─ newVU(id): vm.createContext (own realm, k6 globals) ─▶ runInContext ─▶ init code ─▶ exports
 *
 * All VUs share the main thread's event loop; a VU "blocks" by awaiting. Module functions are
 * wrapped per VU so that, once a run is halted (hard stop, `test.abort()`), every pending and
 * future call of that run hangs: the script cannot catch an interruption, as in k6.
 */
import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import type {
  IterationContext,
  IterationOutcome,
  LifecycleVU,
  RuntimeOptions,
  ScriptExports,
  ScriptRuntime,
  VU,
} from '../types';
import { ScriptLoadError } from '../types';
import type { ModuleRegistry } from '../modules/registry';
import { bundleScript } from './bundle';
import { createCallbackHelpers } from './callback-helpers';
import { createConsole } from './console';
import { ScriptAbortedError, ScriptExceptionError } from './errors';
import { errorHead, StackMapper } from './source-map';
import { realmSharing } from './realm-sharing';
import { refusalError, transformScript, type TransformResult } from './transform';
import { IterationRun, newRuntimeShared, now, VUStateImpl, type RealmHooks, type RuntimeShared } from './vu-state';

export type ScriptInput = string | { filename: string; source: string };

export interface LoadScriptOptions {
  /**
   * The k6 JS modules the script may import (`createBuiltinRegistry()` from harness/k6/modules).
   * Handed in, so the runtime never imports the modules built on top of it.
   */
  modules: ModuleRegistry;
  /** Force a realm per VU (`isolated`); default `auto`: shared when the script allows it. */
  realms?: 'auto' | 'isolated';
}

export type RealmMode = 'shared' | 'isolated';

/** A VU's script function in the shared realm: the outer function of SHARED, called once per VU. */
type SharedFactory = (
  vu: number,
  env: Record<string, string>,
  console: unknown,
  open: unknown,
  crypto: unknown,
  bind: (setIter: (i: number) => void, setEnv: (e: Record<string, string>) => void, setMath: (m: Math) => void) => void,
) => Wrapper;
/** The script's body: `init` is called first, with the realm's builtins. */
type Wrapper = (module: unknown, exports: unknown, require: unknown, init: WrapperInit) => Promise<void>;
type WrapperInit = (math: Math, fnProto: object, json: JSON, global: object) => void;

interface SharedRealm {
  factory: SharedFactory;
  math: Math;
}

/** The realm all VUs of a `shared` script run in (one context, its `__k6rt`). */
function sharedRealm(compiled: Compiled): SharedRealm {
  if (compiled.sharedRealm) return compiled.sharedRealm;
  const sandbox: Record<string, unknown> = {};
  const ctx = vm.createContext(sandbox, { name: 'VUs' });
  const [fnProto, math] = vm.runInContext('[Function.prototype, Math]', ctx) as [object, Math];
  sandbox.__k6rt = createCallbackHelpers(fnProto);
  const factory = compiled.script.runInContext(ctx) as SharedFactory;
  return (compiled.sharedRealm = { factory, math });
}

/**
 * k6 v1: WebCrypto is global, Node's implementation; a fresh object per VU, so a script assigning
 * to it cannot reach another VU (or Node's own globalThis.crypto).
 */
function vuCrypto(): Record<string, unknown> {
  return {
    subtle: webcrypto.subtle,
    getRandomValues: <T extends ArrayBufferView | null>(a: T): T => webcrypto.getRandomValues(a as never) as T,
    randomUUID: () => webcrypto.randomUUID(),
  };
}

/** How the runtime sets the globals a VU's script sees. */
interface VUGlobals {
  setIter(i: number): void;
  setEnv(env: Record<string, string>): void;
  /** Makes the VU's `Math.random` the VU's seeded PRNG. */
  seedMath(random: () => number): void;
}

/**
 * A VU's globals in the shared realm, through the setters its call of SHARED handed back.
 * (A class, not an object of arrows: tsx's keepNames gives each named closure a property
 * dictionary of ~300 bytes, per VU.)
 */
class SharedRealmGlobals implements VUGlobals {
  /** The VU's own Math (an own-property copy of the realm's), made when it is first seeded. */
  private ownMath: Math | null = null;

  constructor(
    private readonly realmMath: Math,
    readonly setIter: (i: number) => void,
    private readonly setEnvBinding: (e: Record<string, string>) => void,
    private readonly setMath: (m: Math) => void,
  ) {}

  setEnv(env: Record<string, string>): void {
    this.setEnvBinding({ ...env });
  }

  seedMath(random: () => number): void {
    if (this.ownMath === null) {
      this.ownMath = Object.create(Object.getPrototypeOf(this.realmMath), Object.getOwnPropertyDescriptors(this.realmMath)) as Math;
      this.setMath(this.ownMath);
    }
    this.ownMath.random = random;
  }
}

/**
 * ES modules are strict: so is the bundle (k6 runs scripts as strict code too). Both wrappers
 * keep the header on line 1 (the source map's offset).
 *
 * A realm per VU: the VU's globals are properties of its own global object.
 */
const ISOLATED = {
  header: '(async function (module, exports, require, __k6init) { "use strict"; __k6init(Math, Function.prototype, JSON, globalThis);\n',
  footer: '\n})',
};
/**
 * One realm shared by every VU: the VU's globals are bindings of an outer function called once
 * per VU (setters for the ones that change), so no VU sees another's; `Math` too, for randomSeed.
 */
const SHARED = {
  header:
    '(function (__VU, __ENV, console, open, crypto, __k6bind) { "use strict"; let __ITER, Math = globalThis.Math; __k6bind((i) => { __ITER = i; }, (e) => { __ENV = e; }, (m) => { Math = m; }); ' +
    'return async function (module, exports, require, __k6init) { "use strict"; __k6init(Math, Function.prototype, JSON, globalThis);\n',
  footer: '\n}; })',
};

/** Internal: the compiled program and what every VU of it shares. */
interface Compiled {
  script: vm.Script;
  /** `shared`: one realm for every VU (see realm-sharing.ts); `isolated`: a realm per VU. */
  realms: RealmMode;
  /** The realm every VU shares (mode `shared`), created with the first VU. */
  sharedRealm: SharedRealm | null;
  mapper: StackMapper;
  registry: ModuleRegistry;
  shared: RuntimeShared;
  transformStats: TransformResult['stats'];
}

/**
 * Bundles, transforms and compiles the script, then runs its init code once (as VU 0, discarded)
 * to read `exports`. `input` is a path, or the source with the filename it stands for.
 * Throws ScriptLoadError (syntax / bundling, with `file:line:col`) or ScriptExceptionError (an
 * exception in init code, exit 107).
 */
export async function loadScript(input: ScriptInput, opts: RuntimeOptions, loadOpts: LoadScriptOptions): Promise<K6ScriptRuntime> {
  const filename = path.resolve(opts.cwd, typeof input === 'string' ? input : input.filename);
  if (typeof input === 'string' && !fs.existsSync(filename)) throw new ScriptLoadError(`script not found: ${filename}`, filename);
  const bundle = await bundleScript({ filename, source: typeof input === 'string' ? undefined : input.source });
  let transformed: TransformResult;
  try {
    transformed = transformScript(bundle.code, filename + '.bundle.js');
  } catch (e) {
    throw new ScriptLoadError(`cannot transform ${filename}: ${(e as Error).message}`, filename);
  }
  if (transformed.refusals.length > 0) throw refusalError(transformed.refusals, bundle.map, filename);
  const vmFilename = filename + '#k6';
  const mapper = new StackMapper(vmFilename, 1, transformed.map, bundle.map);
  const realms = chooseRealms(bundle.code, loadOpts.realms ?? 'auto', mapper, opts.logger);
  const wrap = realms === 'shared' ? SHARED : ISOLATED;
  const script = new vm.Script(wrap.header + transformed.code + wrap.footer, { filename: vmFilename });
  const registry = loadOpts.modules;
  const compiled: Compiled = {
    script,
    realms,
    sharedRealm: null,
    mapper,
    registry,
    shared: newRuntimeShared(),
    transformStats: transformed.stats,
  };
  const probe = await Realm.create(compiled, 0, opts);
  const exportsObj = probe.exports;
  let options: Record<string, unknown> = {};
  try {
    options = exportsObj.options === undefined ? {} : JSON.parse(JSON.stringify(exportsObj.options));
  } catch (e) {
    throw new ScriptLoadError(`exported options cannot be serialised: ${(e as Error).message}`, filename);
  }
  const functions = Object.keys(exportsObj).filter((k) => typeof exportsObj[k] === 'function');
  compiled.shared.exportedOptions = options;
  await probe.dispose();
  return new K6ScriptRuntime(compiled, { options, functions });
}

/** Shared realm when the script cannot tell (realm-sharing.ts); why not is logged at debug level. */
function chooseRealms(bundleCode: string, wanted: 'auto' | 'isolated', mapper: StackMapper, logger: RuntimeOptions['logger']): RealmMode {
  if (wanted === 'isolated') {
    logger.debug('each VU gets a realm of its own (asked for)');
    return 'isolated';
  }
  const s = realmSharing(bundleCode);
  if (s.shared) return 'shared';
  const at = mapper.bundleOriginal(bundleCode, s.offset);
  logger.debug(`each VU gets a realm of its own (more memory per VU): ${at ? `${at.file}:${at.line}:${at.column} ` : ''}${s.reason}`);
  return 'isolated';
}

export class K6ScriptRuntime implements ScriptRuntime {
  constructor(
    private readonly compiled: Compiled,
    readonly exports: ScriptExports,
  ) {}

  /** `shared`: all VUs run in one realm; `isolated`: a realm per VU. */
  get realms(): RealmMode {
    return this.compiled.realms;
  }

  /** Counters of the transform, for benchmarks and debugging. */
  get transformStats(): TransformResult['stats'] {
    return this.compiled.transformStats;
  }

  async newVU(id: number, opts: RuntimeOptions): Promise<VU> {
    return new K6VU(await Realm.create(this.compiled, id, opts));
  }

  async newLifecycleVU(opts: RuntimeOptions): Promise<LifecycleVU> {
    return new K6LifecycleVU(await Realm.create(this.compiled, 0, opts));
  }
}

const NEVER = new Promise<never>(() => {});

type CallResult = { kind: 'ok'; value: unknown; run: IterationRun } | { kind: 'error'; error: unknown; run: IterationRun } | { kind: 'halted'; run: IterationRun };

/** One VU's realm: context, globals, module instances, exports. */
class Realm {
  readonly state: VUStateImpl;
  exports: Record<string, unknown> = {};
  private globals!: VUGlobals;
  private readonly modules = new Map<string, Record<string, unknown>>();
  private realmJSON!: JSON;
  private lastEnv: Record<string, string> | null = null;
  private lastDataIn: unknown = undefined;
  private lastDataOut: unknown = undefined;
  private disposed = false;

  private constructor(
    readonly compiled: Compiled,
    readonly id: number,
    readonly opts: RuntimeOptions,
  ) {
    this.state = new VUStateImpl(id, opts, compiled.shared);
  }

  static async create(compiled: Compiled, id: number, opts: RuntimeOptions): Promise<Realm> {
    const r = new Realm(compiled, id, opts);
    await r.init();
    return r;
  }

  get mapper(): StackMapper {
    return this.compiled.mapper;
  }

  private async init(): Promise<void> {
    const module = { exports: {} as Record<string, unknown> };
    const require = (p: unknown) => this.require(String(p));
    const [wrapper, init] = this.compiled.realms === 'shared' ? this.sharedWrapper() : this.isolatedWrapper();
    this.state.inInit = true;
    try {
      await wrapper(module, module.exports, require, init);
      // Timers set by init code run before init ends (k6 runs the init context's event loop too).
      if (this.state.initLoop) await this.state.initLoop.drain();
    } catch (e) {
      if (this.state.initAbort !== null) throw new ScriptAbortedError(this.state.initAbort);
      // k6 logs an uncaught init exception as one plain line (the CLI's), no stacktrace line
      throw new ScriptExceptionError(errorHead(e), this.mapper.location(e), e, this.mapper.formatException(e).trimEnd());
    } finally {
      this.state.initLoop?.stop();
      this.state.inInit = false;
    }
    this.exports = module.exports;
  }

  /** A context of its own: the VU's globals are properties of its global object. */
  private isolatedWrapper(): [Wrapper, WrapperInit] {
    const sandbox: Record<string, unknown> = {
      __VU: this.id,
      __ITER: undefined, // k6: undefined in the init context
      __ENV: { ...this.opts.env },
      console: createConsole(this.opts.logger),
      open: (file: unknown, mode?: unknown) => this.open(file, mode),
      crypto: vuCrypto(),
    };
    const ctx = vm.createContext(sandbox, { name: `VU ${this.id}` });
    let realmMath: Math;
    this.globals = {
      setIter: (i) => void (sandbox.__ITER = i),
      setEnv: (env) => void (sandbox.__ENV = { ...env }),
      seedMath: (random) => void (realmMath.random = random),
    };
    const init: WrapperInit = (math, fnProto, json, global) => {
      sandbox.global = global;
      sandbox.__k6rt = createCallbackHelpers(fnProto);
      realmMath = math;
      this.realmJSON = json;
    };
    return [this.compiled.script.runInContext(ctx) as Wrapper, init];
  }

  /** The shared realm: the VU's globals are bindings of its own call of the script's outer function. */
  private sharedWrapper(): [Wrapper, WrapperInit] {
    const realm = sharedRealm(this.compiled);
    let setIter!: (i: number) => void;
    let setEnv!: (e: Record<string, string>) => void;
    let setMath!: (m: Math) => void;
    const wrapper = realm.factory(
      this.id,
      { ...this.opts.env },
      createConsole(this.opts.logger),
      (file: unknown, mode?: unknown) => this.open(file, mode),
      vuCrypto(),
      (i, e, m) => ((setIter = i), (setEnv = e), (setMath = m)),
    );
    this.globals = new SharedRealmGlobals(realm.math, setIter, setEnv, setMath);
    return [wrapper, (_math, _fnProto, json) => void (this.realmJSON = json)];
  }

  private open(file: unknown, mode?: unknown): unknown {
    if (!this.state.inInit) {
      throw new Error(
        'the "open" function is only available in the init stage (i.e. the global scope), see https://k6.io/docs/using-k6/test-life-cycle for more information',
      );
    }
    const abs = path.resolve(this.opts.cwd, String(file));
    let buf = this.compiled.shared.files.get(abs);
    if (!buf) {
      try {
        buf = fs.readFileSync(abs);
      } catch (e) {
        // k6 stats the file first: a missing one reads `stat <path>: no such file or directory`
        throw new Error((e as NodeJS.ErrnoException).code === 'ENOENT' ? `stat ${abs}: no such file or directory` : `open ${abs}: ${(e as Error).message}`);
      }
      this.compiled.shared.files.set(abs, buf);
    }
    if (mode === 'b') return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    return buf.toString('utf8');
  }

  private require(p: string): Record<string, unknown> {
    let m = this.modules.get(p);
    if (!m) {
      const raw = this.compiled.registry.resolve(p)(this.state);
      m = guardModule(raw, this.state);
      if (p === 'k6' || p === 'k6/execution') this.wireInternals(m);
      this.modules.set(p, m);
    }
    return m;
  }

  /** Hooks the `k6` module needs from the realm (seeding the realm's Math.random). */
  private wireInternals(_m: Record<string, unknown>): void {
    this.state.slots.set('k6/runtime', {
      seedMath: () => this.globals.seedMath(() => this.state.random()),
    } satisfies RealmHooks);
  }

  /** Copies host data into this realm (once per distinct input). */
  realmCopy(data: unknown): unknown {
    if (data === undefined) return undefined;
    if (data !== this.lastDataIn) {
      this.lastDataIn = data;
      this.lastDataOut = this.realmJSON.parse(JSON.stringify(data));
    }
    return this.lastDataOut;
  }

  setEnv(env: Record<string, string>): void {
    if (env !== this.lastEnv) {
      this.lastEnv = env;
      this.globals.setEnv(env);
    }
  }

  setIter(i: number): void {
    this.globals.setIter(i);
  }

  /**
   * Runs an exported function as one "run" (iteration / setup / teardown / handleSummary),
   * racing it against halts (the signal aborting, or `test.abort()`).
   */
  async call(name: string, args: unknown[], signal: AbortSignal | null): Promise<CallResult> {
    const run = new IterationRun(signal ?? undefined);
    const st = this.state;
    st.run = run;
    if (signal) {
      if (signal.aborted) run.halt('interrupted');
      else if (signal !== this.watched) this.watch(signal);
    }
    try {
      if (run.halted) return { kind: 'halted', run };
      const fn = this.exports[name];
      if (typeof fn !== 'function') return { kind: 'error', error: new Error(`function "${name}" is not exported by the script`), run };
      let v: unknown;
      try {
        v = (fn as (...a: unknown[]) => unknown)(...args);
      } catch (error) {
        return run.halted ? { kind: 'halted', run } : { kind: 'error', error, run };
      }
      if (run.halted) return { kind: 'halted', run };
      // Script functions are async after the transform: race the result against a halt.
      if ((v === null || typeof v !== 'object' || typeof (v as Promise<unknown>).then !== 'function') && run.loop === null) return { kind: 'ok', value: v, run };
      const r = await new Promise<CallResult>((resolve) => {
        run.onHalt = () => resolve({ kind: 'halted', run });
        // With an event loop (timers, websockets) the run ends once it has drained, as in k6.
        const drained = (value: unknown) => {
          const loop = run.loop;
          if (loop === null) return resolve(run.halted ? { kind: 'halted', run } : { kind: 'ok', value, run });
          loop.drain().then(
            () => resolve(run.halted ? { kind: 'halted', run } : { kind: 'ok', value, run }),
            (error) => resolve(run.halted ? { kind: 'halted', run } : { kind: 'error', error, run }),
          );
        };
        const onError = (error: unknown) => resolve(run.halted ? { kind: 'halted', run } : { kind: 'error', error, run });
        if (v !== null && typeof v === 'object' && typeof (v as Promise<unknown>).then === 'function') (v as Promise<unknown>).then(drained, onError);
        else drained(v);
      });
      run.onHalt = null;
      return r;
    } finally {
      run.loop?.stop();
      st.run = null;
    }
  }

  /** The signal this realm listens to: one sticky listener, not one per run (measurable CPU). */
  private watched: AbortSignal | null = null;
  private readonly onWatchedAbort = (): void => {
    const s = this.watched;
    this.watched = null;
    const run = this.state.run;
    if (run && run.signal === s) run.halt('interrupted');
  };

  private watch(signal: AbortSignal): void {
    this.watched?.removeEventListener('abort', this.onWatchedAbort);
    this.watched = signal;
    signal.addEventListener('abort', this.onWatchedAbort, { once: true });
  }

  logException(e: unknown, fields: Record<string, unknown>): Error {
    this.opts.logger.error(this.mapper.formatException(e).trimEnd(), { ...fields, source: 'stacktrace' });
    if (e instanceof Error) return e;
    if (e && typeof e === 'object' && 'message' in e) {
      const err = new Error(String((e as Error).message));
      err.name = String((e as Error).name ?? 'Error');
      err.stack = String((e as Error).stack ?? '');
      return err;
    }
    return new Error(String(e));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.watched?.removeEventListener('abort', this.onWatchedAbort);
    this.watched = null;
    const closes: Promise<unknown>[] = [];
    for (const v of this.state.slots.values()) {
      const c = (v as { close?: unknown } | null)?.close;
      if (typeof c === 'function') closes.push(Promise.resolve().then(() => c.call(v)));
    }
    await Promise.allSettled(closes);
    this.state.slots.clear();
    this.modules.clear();
    this.exports = {};
  }
}


function isClass(fn: Function): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/**
 * Wraps every exported function so that calls of a halted run never settle. Classes and
 * accessors are kept as they are (constructors are synchronous in k6 anyway).
 */
function guardModule(raw: Record<string, unknown>, st: VUStateImpl): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(raw))) {
    if ('value' in d && typeof d.value === 'function' && !isClass(d.value)) {
      const fn = d.value as (...a: unknown[]) => unknown;
      // Named by a computed key when created: `Object.defineProperty(guarded, 'name', …)` would give
      // every wrapper (tens per VU) a property dictionary of ~300 bytes.
      const guarded = {
        [fn.name]: function (this: unknown, ...args: unknown[]) {
          const run = st.run;
          if (run?.halted) return NEVER;
          const r = fn.apply(this, args);
          if (run && r !== null && typeof r === 'object' && typeof (r as Promise<unknown>).then === 'function') {
            const loop = run.loop;
            if (loop !== null) {
              // A blocking call: the run's timer/socket callbacks wait for it (see event-loop.ts).
              loop.blocked++;
              return (r as Promise<unknown>).then(
                (v) => (loop.unblock(), run.halted ? NEVER : v),
                (e) => (loop.unblock(), run.halted ? NEVER : Promise.reject(e)),
              );
            }
            return (r as Promise<unknown>).then(
              (v) => (run.halted ? NEVER : v),
              (e) => (run.halted ? NEVER : Promise.reject(e)),
            );
          }
          return r;
        },
      }[fn.name];
      Object.defineProperty(out, k, { ...d, value: guarded });
    } else Object.defineProperty(out, k, d);
  }
  // `import http from 'k6/http'` reads `default`: point it at the guarded object.
  if (raw.default && typeof raw.default === 'object') out.default = out;
  return out;
}

class K6VU implements VU {
  constructor(protected readonly realm: Realm) {}

  get id(): number {
    return this.realm.id;
  }

  async runIteration(ctx: IterationContext): Promise<IterationOutcome> {
    const r = this.realm;
    const st = r.state;
    st.iteration = ctx;
    st.runCtx = ctx;
    st.baseTags = ctx.tags;
    st.groupPath = '';
    r.setEnv(ctx.env);
    r.setIter(ctx.iteration);
    const start = now();
    let res;
    try {
      res = await r.call(ctx.exec, [r.realmCopy(ctx.data)], ctx.signal);
    } finally {
      st.iteration = null;
      st.runCtx = null;
      st.groupPath = '';
    }
    const durationMs = now() - start;
    const { bytesSent, bytesReceived } = res.run;
    if (res.kind === 'ok') return { status: 'completed', durationMs, bytesSent, bytesReceived };
    if (res.kind === 'halted') {
      return res.run.halted === 'aborted'
        ? { status: 'aborted', durationMs, bytesSent, bytesReceived, reason: res.run.abortReason }
        : { status: 'interrupted', durationMs, bytesSent, bytesReceived };
    }
    const error = r.logException(res.error, { executor: ctx.scenario.executor, scenario: ctx.scenario.name });
    return { status: 'failed', durationMs, bytesSent, bytesReceived, error };
  }

  dispose(): Promise<void> {
    return this.realm.dispose();
  }
}

type LifecycleCtx = Omit<IterationContext, 'exec' | 'iteration' | 'vuIterationInInstance' | 'data'> & { data?: unknown };

class K6LifecycleVU extends K6VU implements LifecycleVU {
  runSetup(ctx: Omit<IterationContext, 'exec' | 'data' | 'iteration' | 'vuIterationInInstance'>): Promise<unknown> {
    return this.lifecycle('setup', ctx);
  }

  async runTeardown(ctx: Omit<IterationContext, 'exec' | 'iteration' | 'vuIterationInInstance'>): Promise<void> {
    await this.lifecycle('teardown', ctx);
  }

  async runHandleSummary(data: unknown): Promise<Record<string, string> | undefined> {
    const r = this.realm;
    if (typeof r.exports.handleSummary !== 'function') return undefined;
    const st = r.state;
    st.lifecycle = 'handleSummary';
    st.baseTags = {};
    st.groupPath = '';
    try {
      const res = await r.call('handleSummary', [r.realmCopy(data)], null);
      if (res.kind === 'halted') throw new ScriptAbortedError(res.run.abortReason);
      if (res.kind === 'error') {
        // k6 logs the exception as one plain line and goes on with the default summary
        r.opts.logger.error(r.mapper.formatException(res.error).trimEnd());
        return undefined;
      }
      const v = res.value;
      if (v === undefined || v === null) return {};
      if (typeof v !== 'object') throw new ScriptExceptionError('handleSummary() must return an object (destination -> content)');
      const out: Record<string, string> = {};
      for (const [k, c] of Object.entries(v as Record<string, unknown>)) {
        if (typeof c === 'string') out[k] = c;
        else if (c instanceof ArrayBuffer || Object.prototype.toString.call(c) === '[object ArrayBuffer]') out[k] = Buffer.from(c as ArrayBuffer).toString('utf8');
        else if (ArrayBuffer.isView(c)) out[k] = Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('utf8');
        else out[k] = String(c);
      }
      return out;
    } finally {
      st.lifecycle = null;
    }
  }

  /** setup/teardown: group `::setup`/`::teardown`, k6 emits data_sent, data_received, iteration_duration. */
  private async lifecycle(which: 'setup' | 'teardown', ctx: LifecycleCtx): Promise<unknown> {
    const r = this.realm;
    if (typeof r.exports[which] !== 'function') return undefined;
    const st = r.state;
    st.lifecycle = which;
    st.runCtx = ctx;
    st.baseTags = ctx.tags;
    st.groupPath = `::${which}`;
    r.setEnv(ctx.env);
    const start = now();
    try {
      const res = await r.call(which, which === 'teardown' ? [r.realmCopy(ctx.data)] : [], ctx.signal);
      const end = now();
      if (res.kind === 'halted') {
        if (res.run.halted === 'aborted') throw new ScriptAbortedError(res.run.abortReason);
        throw new LifecycleInterruptedError(which);
      }
      st.emit('data_sent', res.run.bytesSent, undefined, end);
      st.emit('data_received', res.run.bytesReceived, undefined, end);
      st.emit('iteration_duration', end - start, undefined, end);
      if (res.kind === 'error') {
        // one plain error line (the CLI's), as k6 logs an uncaught setup/teardown exception
        throw new ScriptExceptionError(`${which}() failed: ${errorHead(res.error)}`, r.mapper.location(res.error), res.error, r.mapper.formatException(res.error).trimEnd());
      }
      if (which === 'teardown' || res.value === undefined) return undefined;
      try {
        return JSON.parse(JSON.stringify(res.value));
      } catch (e) {
        throw new ScriptExceptionError(`setup() returned data that cannot be JSON-serialised: ${(e as Error).message}`);
      }
    } finally {
      st.lifecycle = null;
      st.runCtx = null;
      st.groupPath = '';
    }
  }
}

/** setup/teardown cut by its signal (the scheduler maps this to exit 100/101). */
export class LifecycleInterruptedError extends Error {
  constructor(readonly which: 'setup' | 'teardown') {
    super(`${which}() was interrupted`);
    this.name = 'LifecycleInterruptedError';
  }
}
