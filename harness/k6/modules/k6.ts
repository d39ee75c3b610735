/**
 * `k6`: check, group, sleep, fail, randomSeed. Functions are async where the script must wait
 * (`sleep`; the transform awaits them, so scripts use them synchronously); check and group are
 * synchronous while their callbacks are.
 */
import type { ModuleFactory, Tags, VUState } from '../types';
import { internalState, now, TagMemo } from '../runtime/vu-state';
import type { RealmHooks } from '../runtime/vu-state';

export const k6Module: ModuleFactory = (vu: VUState) => {
  const st = internalState(vu);
  const tagCheck = vu.options.systemTags.has('check');

  // Per check name: its tag object (without user tags) and the memo of its merged tags, so a
  // check's samples share one tags object from iteration to iteration.
  const checkTags = new Map<string, { tags: Tags; memo: TagMemo }>();
  const checkEntry = (name: string) => {
    let e = checkTags.get(name);
    if (e === undefined) {
      if (checkTags.size >= 1000) checkTags.clear(); // names built from data: stay bounded
      const tags: Tags = {};
      if (tagCheck) tags.check = name;
      checkTags.set(name, (e = { tags, memo: new TagMemo() }));
    }
    return e;
  };
  const emitCheck = (name: string, ok: boolean, extra: Tags | undefined) => {
    const e = checkEntry(name);
    let t = e.tags;
    if (extra !== undefined) {
      t = Object.assign({}, extra);
      if (tagCheck) t.check = name;
    }
    st.emitWith(e.memo, 'checks', ok ? 1 : 0, t, now());
  };

  /** Synchronous while the predicates are (the common case); async from the first one that returns a thenable. */
  function check(value: unknown, sets: unknown, tags?: unknown): boolean | Promise<boolean> {
    if (vu.inInit) throw new Error('using check in the init context is not supported');
    if (sets === null || typeof sets !== 'object') return true;
    const extra = tags === undefined ? undefined : toTags(tags);
    const names = Object.keys(sets);
    let all = true;
    for (let i = 0; i < names.length; i++) {
      const pred = (sets as Record<string, unknown>)[names[i]];
      let r: unknown = pred;
      if (typeof pred === 'function') {
        try {
          r = (pred as (v: unknown) => unknown)(value);
        } catch (e) {
          // k6 records a predicate that throws as a failed check, then rethrows.
          emitCheck(names[i], false, extra);
          throw e;
        }
      }
      if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') return checkAsync(value, sets as Record<string, unknown>, names, i, r, extra, all);
      emitCheck(names[i], Boolean(r), extra);
      if (!r) all = false;
    }
    return all;
  }

  async function checkAsync(value: unknown, sets: Record<string, unknown>, names: string[], i: number, first: unknown, extra: Tags | undefined, all: boolean): Promise<boolean> {
    for (let r = first; ; ) {
      let ok: boolean;
      try {
        ok = Boolean(await r);
      } catch (e) {
        emitCheck(names[i], false, extra);
        throw e;
      }
      emitCheck(names[i], ok, extra);
      if (!ok) all = false;
      if (++i >= names.length) return all;
      const pred = sets[names[i]];
      if (typeof pred !== 'function') r = pred;
      else
        try {
          r = (pred as (v: unknown) => unknown)(value);
        } catch (e) {
          emitCheck(names[i], false, extra);
          throw e;
        }
    }
  }

  /** Returns the callback's value, synchronously when the callback is synchronous (as in k6). */
  function group(name: unknown, fn: unknown): unknown {
    if (vu.inInit) throw new Error('using group in the init context is not supported');
    const n = String(name);
    if (n.includes('::')) throw new Error("group and check names may not contain '::'");
    if (typeof fn !== 'function') throw new Error('group() needs a function as its second argument');
    const prev = vu.groupPath;
    vu.groupPath = `${prev}::${n}`;
    const start = now();
    const end = () => {
      const t = now();
      if (!st.run?.halted) vu.emit('group_duration', t - start, undefined, t);
      vu.groupPath = prev;
    };
    let r: unknown;
    try {
      r = (fn as () => unknown)();
    } catch (e) {
      end();
      throw e;
    }
    // A callback the transform made async (it blocks): the group ends when it settles.
    if (r !== null && typeof r === 'object' && typeof (r as Promise<unknown>).then === 'function') {
      return (r as Promise<unknown>).then(
        (v) => (end(), v),
        (e) => {
          end();
          throw e;
        },
      );
    }
    end();
    return r;
  }

  function sleep(seconds: unknown): Promise<void> | undefined {
    const ms = Number(seconds) * 1000;
    if (!(ms > 0)) return undefined;
    const signal = vu.signal;
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  function fail(msg?: unknown): never {
    throw new Error(msg === undefined ? '' : String(msg));
  }

  function randomSeed(seed: unknown): void {
    const n = Number(seed);
    if (!Number.isFinite(n)) throw new Error(`randomSeed: "${String(seed)}" is not a number`);
    st.seed(n);
    (vu.slots.get('k6/runtime') as RealmHooks | undefined)?.seedMath();
  }

  return { check, group, sleep, fail, randomSeed };
};

/** User tags (`check(v, sets, {tag: 1})`, `metric.add(v, tags)`) as strings. */
export function toTags(tags: unknown): Tags {
  const out: Tags = {};
  if (tags && typeof tags === 'object') for (const [k, v] of Object.entries(tags)) out[k] = String(v);
  return out;
}
