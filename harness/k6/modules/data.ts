/**
 * `k6/data`: SharedArray. The callback runs once per test (the first VU to ask wins; others
 * await the same result); the array is JSON-copied, deep-frozen and shared read-only by all VUs.
 * The callback must return the array synchronously (the transform refuses nothing here, but a
 * callback that blocks is an error, as in k6, where the init context cannot make requests).
 */
import type { ModuleFactory, VUState } from '../types';
import { internalState } from '../runtime/vu-state';
import { deepFreeze } from './execution';

/** The arrays built so far, per test (`RuntimeShared`) and name. */
const built = new WeakMap<object, Map<string, readonly unknown[]>>();

export const dataModule: ModuleFactory = (vu: VUState) => {
  const st = internalState(vu);
  class SharedArray {
    constructor(name: unknown, fn: unknown) {
      if (!vu.inInit) throw new Error('new SharedArray must be called in the init context');
      if (typeof name !== 'string' || name === '') throw new Error("empty name provided to SharedArray's constructor");
      if (typeof fn !== 'function') throw new Error("a function is expected as the second argument of SharedArray's constructor");
      let byName = built.get(st.shared);
      if (!byName) built.set(st.shared, (byName = new Map()));
      const done = byName.get(name);
      if (done) return done as unknown as SharedArray;
      const v = (fn as () => unknown)();
      if (v !== null && typeof v === 'object' && typeof (v as Promise<unknown>).then === 'function') {
        throw new Error("SharedArray's callback must return an array, not a Promise (it may not block)");
      }
      if (!Array.isArray(v)) throw new Error('only arrays can be made into SharedArray');
      const p = deepFreeze(JSON.parse(JSON.stringify(v)) as unknown[]);
      byName.set(name, p);
      st.shared.sharedArrays.set(name, Promise.resolve(p));
      return p as unknown as SharedArray;
    }
  }
  return { SharedArray };
};
