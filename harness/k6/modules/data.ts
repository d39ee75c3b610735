/**
 * `k6/data`: SharedArray. The callback runs once per test (the first VU to ask wins; others
 * await the same result); the array is JSON-copied, deep-frozen and shared read-only by all VUs.
 * The constructor returns a Promise (the transform awaits `new`), because the callback is async
 * after the transform.
 */
import type { ModuleFactory, VUState } from '../types';
import { internalState } from '../runtime/vu-state';
import { deepFreeze } from './execution';

export const dataModule: ModuleFactory = (vu: VUState) => {
  const st = internalState(vu);
  class SharedArray {
    constructor(name: unknown, fn: unknown) {
      if (!vu.inInit) throw new Error('new SharedArray must be called in the init context');
      if (typeof name !== 'string' || name === '') throw new Error("empty name provided to SharedArray's constructor");
      if (typeof fn !== 'function') throw new Error("a function is expected as the second argument of SharedArray's constructor");
      let p = st.shared.sharedArrays.get(name);
      if (!p) {
        p = (async () => {
          const v = await (fn as () => unknown)();
          if (!Array.isArray(v)) throw new Error('only arrays can be made into SharedArray');
          return deepFreeze(JSON.parse(JSON.stringify(v)) as unknown[]);
        })();
        st.shared.sharedArrays.set(name, p);
      }
      return p as unknown as SharedArray;
    }
  }
  return { SharedArray };
};
