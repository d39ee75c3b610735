/**
 * `k6/execution`: live views of the VU, scenario and instance, plus `test.abort()` and
 * `test.options`. Accessors read the running iteration's context each time (they are live).
 */
import type { ModuleFactory, VUState } from '../types';
import { internalState } from '../runtime/vu-state';

const NEVER = new Promise<never>(() => {});

export const executionModule: ModuleFactory = (vu: VUState) => {
  const st = internalState(vu);
  const ctx = (what: string) => {
    const c = st.runCtx;
    if (!c || vu.inInit) throw new Error(what === 'scenario' ? 'getting scenario information outside of the VU context is not supported' : `getting ${what} information in the init context is not supported`);
    return c;
  };
  // k6's exec.vu.tags is the VU's whole tag set (test-wide and scenario tags, `scenario`,
  // `group`), not only what the script set; writes add VU tags.
  const tagsView = new Proxy(vu.vuTags, {
    get: (_, k) => (typeof k === 'string' ? vu.currentTags()[k] : undefined),
    has: (_, k) => typeof k === 'string' && k in vu.currentTags(),
    ownKeys: () => Object.keys(vu.currentTags()),
    getOwnPropertyDescriptor: (_, k) => {
      const t = vu.currentTags();
      return typeof k === 'string' && k in t ? { value: t[k], enumerable: true, configurable: true, writable: true } : undefined;
    },
    set: (t, k, v) => {
      if (typeof k === 'string') t[k] = v;
      return true;
    },
    deleteProperty: (t, k) => {
      if (typeof k === 'string') delete t[k];
      return true;
    },
  });
  const vuInfo = {
    get idInInstance() {
      return vu.vuId;
    },
    get idInTest() {
      return vu.iteration?.vuIdInTest ?? vu.vuId;
    },
    get iterationInInstance() {
      return vu.iteration?.vuIterationInInstance ?? 0;
    },
    get iterationInScenario() {
      return vu.iteration?.iteration ?? 0;
    },
    get tags() {
      return tagsView;
    },
    metrics: {
      get tags() {
        return tagsView;
      },
      metadata: {} as Record<string, string>,
    },
  };
  const scenario = {
    get name() { return ctx('scenario').scenario.name; },
    get executor() { return ctx('scenario').scenario.executor; },
    get startTime() { return ctx('scenario').scenario.startTime; },
    get progress() { return ctx('scenario').scenario.progress; },
    get iterationInInstance() { return ctx('scenario').scenario.iterationInInstance; },
    get iterationInTest() { return ctx('scenario').scenario.iterationInTest; },
  };
  const instance = {
    get iterationsCompleted() { return ctx('instance').instance.iterationsCompleted; },
    get iterationsInterrupted() { return ctx('instance').instance.iterationsInterrupted; },
    get vusActive() { return ctx('instance').instance.vusActive; },
    get vusInitialized() { return ctx('instance').instance.vusInitialized; },
    get currentTestRunDuration() { return ctx('instance').instance.currentTestRunDuration; },
  };
  const test = {
    /** Stops the whole test (exit 108). Never returns: the run hangs until the scheduler stops it. */
    abort(reason?: unknown): Promise<never> {
      const msg = reason === undefined ? '' : String(reason);
      if (st.run) {
        st.run.halt('aborted', msg);
        return NEVER;
      }
      st.initAbort = msg;
      throw new Error(`test aborted: ${msg}`);
    },
    get options() {
      return deepFreeze(JSON.parse(JSON.stringify(vu.options.testOptions ?? st.shared.exportedOptions ?? {})));
    },
  };
  return {
    get vu() {
      if (vu.inInit) throw new Error('getting VU information in the init context is not supported');
      return vuInfo;
    },
    get scenario() {
      ctx('scenario');
      return scenario;
    },
    get instance() {
      ctx('instance');
      return instance;
    },
    test,
  };
};

export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}
