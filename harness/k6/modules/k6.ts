/**
 * `k6`: check, group, sleep, fail, randomSeed. Functions are async where the script must wait
 * (the transform awaits every call, so scripts use them synchronously).
 */
import type { ModuleFactory, Tags, VUState } from '../types';
import { internalState, now } from '../runtime/vu-state';
import type { RealmHooks } from '../runtime/script-runtime';

export const k6Module: ModuleFactory = (vu: VUState) => {
  const st = internalState(vu);
  const tagCheck = vu.options.systemTags.has('check');

  async function check(value: unknown, sets: unknown, tags?: unknown): Promise<boolean> {
    if (vu.inInit) throw new Error('using check in the init context is not supported');
    if (sets === null || typeof sets !== 'object') return true;
    const extra = toTags(tags);
    let all = true;
    for (const [name, pred] of Object.entries(sets as Record<string, unknown>)) {
      const ok = Boolean(typeof pred === 'function' ? await (pred as (v: unknown) => unknown)(value) : pred);
      const t: Tags = { ...extra };
      if (tagCheck) t.check = name;
      vu.emit('checks', ok ? 1 : 0, t, now());
      if (!ok) all = false;
    }
    return all;
  }

  async function group(name: unknown, fn: unknown): Promise<unknown> {
    if (vu.inInit) throw new Error('using group in the init context is not supported');
    const n = String(name);
    if (n.includes('::')) throw new Error("group and check names may not contain '::'");
    if (typeof fn !== 'function') throw new Error('group() needs a function as its second argument');
    const prev = vu.groupPath;
    vu.groupPath = `${prev}::${n}`;
    const start = now();
    try {
      return await (fn as () => unknown)();
    } finally {
      const end = now();
      if (!st.run?.halted) vu.emit('group_duration', end - start, undefined, end);
      vu.groupPath = prev;
    }
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
