/**
 * `__k6rt`: the helpers the transformed script calls where a builtin would ignore the promise an
 * async callback returns (`arr.map(async …)`). One instance per realm; nothing is patched.
 *
 * Fast path: when every function argument is a plain synchronous function of the script's realm
 * (the transform left it sync because it makes no calls), the native method runs unchanged.
 * Slow path: callbacks run one after another, each result awaited, with the native method's
 * semantics (order, holes, early exit, species, in-place sort, replace's match arguments).
 */
import { types } from 'node:util';

export interface CallbackHelpers {
  m(obj: any, name: string, args: unknown[]): unknown;
  from(ArrayCtor: any, args: unknown[]): unknown;
  /** `o.m(…args)` where nothing can wait (see transform.ts guardCall). */
  g(obj: any, name: string, args: unknown[], where: string): unknown;
  /** `f(…args)` where nothing can wait. */
  s(fn: any, args: unknown[], where: string): unknown;
}

/** A script function (async after the transform) handed back its Promise where nothing can wait. */
function checked(fn: unknown, r: unknown, where: string): unknown {
  if (types.isPromise(r) && types.isAsyncFunction(fn)) {
    throw new Error(
      `a function that blocks (it makes a blocking k6 call) was called in ${where}, where the builtin engine cannot wait for it; run the script with real k6, or make the blocking call in an ordinary function`,
    );
  }
  return r;
}

export function createCallbackHelpers(realmFunctionPrototype: object): CallbackHelpers {
  /** Could calling `f` return a promise the builtin would ignore? */
  const mayBeAsync = (f: unknown): boolean =>
    typeof f === 'function' && (types.isAsyncFunction(f) || Object.getPrototypeOf(f) !== realmFunctionPrototype);

  return {
    m(obj, name, args) {
      const cbIndex = name === 'replace' || name === 'replaceAll' ? 1 : 0;
      const cb = args[cbIndex];
      if (obj == null || !mayBeAsync(cb)) return obj[name](...args);
      if (Array.isArray(obj)) {
        const impl = arrayImpls[name];
        if (impl) return impl(obj, cb as Fn, args);
      } else if (typeof obj === 'string') {
        if (name === 'replace' || name === 'replaceAll') return replaceAsync(obj, name, args[0], cb as Fn);
      } else if ((types.isMap(obj) || types.isSet(obj)) && name === 'forEach') {
        return (async () => {
          for (const [k, v] of obj.entries()) await (cb as Fn).call(args[1], v, k, obj);
        })();
      }
      return obj[name](...args);
    },
    g(obj, name, args, where) {
      const fn = obj[name];
      if (typeof fn !== 'function') throw new TypeError(`${name} is not a function`);
      return checked(fn, fn.apply(obj, args), where);
    },
    s(fn, args, where) {
      return checked(fn, fn(...args), where);
    },
    from(ArrayCtor, args) {
      const [src, mapFn, thisArg] = args;
      if (!mayBeAsync(mapFn)) return ArrayCtor.from(...args);
      return (async () => {
        const base = ArrayCtor.from(src);
        for (let i = 0; i < base.length; i++) base[i] = await (mapFn as Fn).call(thisArg, base[i], i);
        return base;
      })();
    },
  };
}

type Fn = (...a: unknown[]) => unknown;

/** Awaits `cb` for every present index in order; returns the results (holes stay holes). */
async function collect(arr: any[], cb: Fn, thisArg: unknown): Promise<unknown[]> {
  const len = arr.length;
  const out = new Array(len);
  for (let i = 0; i < len; i++) if (i in arr) out[i] = await cb.call(thisArg, arr[i], i, arr);
  return out;
}

const arrayImpls: Record<string, (arr: any[], cb: Fn, args: unknown[]) => Promise<unknown>> = {
  async forEach(arr, cb, [, thisArg]) {
    await collect(arr, cb, thisArg);
    return undefined;
  },
  async map(arr, cb, [, thisArg]) {
    const res = await collect(arr, cb, thisArg);
    return arr.map((_v, i) => res[i]); // native map: the realm's Array species
  },
  async filter(arr, cb, [, thisArg]) {
    const res = await collect(arr, cb, thisArg);
    return arr.filter((_v, i) => res[i]);
  },
  async flatMap(arr, cb, [, thisArg]) {
    const res = await collect(arr, cb, thisArg);
    return arr.flatMap((_v, i) => res[i]);
  },
  async some(arr, cb, [, thisArg]) {
    for (let i = 0; i < arr.length; i++) if (i in arr && (await cb.call(thisArg, arr[i], i, arr))) return true;
    return false;
  },
  async every(arr, cb, [, thisArg]) {
    for (let i = 0; i < arr.length; i++) if (i in arr && !(await cb.call(thisArg, arr[i], i, arr))) return false;
    return true;
  },
  async find(arr, cb, [, thisArg]) {
    for (let i = 0; i < arr.length; i++) if (await cb.call(thisArg, arr[i], i, arr)) return arr[i];
    return undefined;
  },
  async findIndex(arr, cb, [, thisArg]) {
    for (let i = 0; i < arr.length; i++) if (await cb.call(thisArg, arr[i], i, arr)) return i;
    return -1;
  },
  async findLast(arr, cb, [, thisArg]) {
    for (let i = arr.length - 1; i >= 0; i--) if (await cb.call(thisArg, arr[i], i, arr)) return arr[i];
    return undefined;
  },
  async findLastIndex(arr, cb, [, thisArg]) {
    for (let i = arr.length - 1; i >= 0; i--) if (await cb.call(thisArg, arr[i], i, arr)) return i;
    return -1;
  },
  async reduce(arr, cb, args) {
    return reduceImpl(arr, cb, args, false);
  },
  async reduceRight(arr, cb, args) {
    return reduceImpl(arr, cb, args, true);
  },
  async sort(arr, cb) {
    const sorted = await sortValues(arr, cb);
    for (let i = 0; i < sorted.length; i++) arr[i] = sorted[i];
    return arr;
  },
  async toSorted(arr, cb) {
    const sorted = await sortValues(arr, cb);
    return arr.map((_v, i) => sorted[i]);
  },
};

async function reduceImpl(arr: any[], cb: Fn, args: unknown[], right: boolean): Promise<unknown> {
  const len = arr.length;
  const idx = (k: number) => (right ? len - 1 - k : k);
  let k = 0;
  let acc: unknown;
  if (args.length >= 2) acc = args[1];
  else {
    while (k < len && !(idx(k) in arr)) k++;
    if (k >= len) throw new TypeError('Reduce of empty array with no initial value');
    acc = arr[idx(k++)];
  }
  for (; k < len; k++) {
    const i = idx(k);
    if (i in arr) acc = await cb(acc, arr[i], i, arr);
  }
  return acc;
}

/** Stable merge sort with an awaited comparator; undefined values last, like the native sort. */
async function sortValues(arr: any[], cmp: Fn): Promise<unknown[]> {
  const present: unknown[] = [];
  let undef = 0;
  for (let i = 0; i < arr.length; i++) {
    if (!(i in arr)) continue;
    if (arr[i] === undefined) undef++;
    else present.push(arr[i]);
  }
  const sort = async (a: unknown[]): Promise<unknown[]> => {
    if (a.length <= 1) return a;
    const mid = a.length >> 1;
    const l = await sort(a.slice(0, mid));
    const r = await sort(a.slice(mid));
    const out: unknown[] = [];
    let i = 0;
    let j = 0;
    while (i < l.length && j < r.length) {
      const v = Number(await cmp(l[i], r[j]));
      if (v > 0) out.push(r[j++]);
      else out.push(l[i++]);
    }
    while (i < l.length) out.push(l[i++]);
    while (j < r.length) out.push(r[j++]);
    return out;
  };
  const sorted = await sort(present);
  for (let i = 0; i < undef; i++) sorted.push(undefined);
  return sorted;
}

/** Two native passes around the awaited callbacks: collect the match arguments, then substitute. */
async function replaceAsync(str: string, name: 'replace' | 'replaceAll', pattern: unknown, cb: Fn): Promise<string> {
  const calls: unknown[][] = [];
  (str as any)[name](pattern, (...a: unknown[]) => {
    calls.push(a);
    return a[0];
  });
  const results: string[] = [];
  for (const a of calls) results.push(String(await cb(...a)));
  let k = 0;
  return (str as any)[name](pattern, () => results[k++]);
}
