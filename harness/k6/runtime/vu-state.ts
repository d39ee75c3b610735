/**
 * The runtime's implementation of `VUState` (what modules see of their VU), plus the run-scoped
 * pieces the built-in modules need beyond the contract (`RuntimeShared`, `IterationRun`).
 */
import { setMaxListeners } from 'node:events';
import type { IterationContext, RuntimeOptions, Tags, VUState } from '../types';
import { EventLoop } from './event-loop';

/** What the `k6` module gets from the realm through `slots.get('k6/runtime')`. */
export interface RealmHooks {
  seedMath(): void;
}

/** Shared by every VU of one loaded script (one test run). */
export interface RuntimeShared {
  /** SharedArray contents by name: the callback runs once per test. */
  readonly sharedArrays: Map<string, Promise<readonly unknown[]>>;
  /** `open()` cache by absolute path + mode. */
  readonly files: Map<string, Buffer>;
  /** The script's exported options (JSON copy), for `exec.test.options`; null until known. */
  exportedOptions: Record<string, unknown> | null;
}

const NEVER_ABORTED = new AbortController().signal;
// shared by every VU outside runs: listeners on it are expected
setMaxListeners(0, NEVER_ABORTED);

export function newRuntimeShared(): RuntimeShared {
  return { sharedArrays: new Map(), files: new Map(), exportedOptions: null };
}

/**
 * One run of script code (an iteration, setup, teardown): halting it makes every pending and
 * future module call of this run hang forever, so the script cannot catch an interruption.
 */
export class IterationRun {
  halted: 'interrupted' | 'aborted' | null = null;
  abortReason = '';
  bytesSent = 0;
  bytesReceived = 0;
  /** Called once when the run is halted (the runtime settles the run's race with it). */
  onHalt: (() => void) | null = null;
  /** Created by the first module that calls the script back (timers, websockets); null otherwise. */
  loop: EventLoop | null = null;

  /**
   * `signal` is the executor's (hard stop). It is what sleeps and HTTP waits listen to; a
   * `test.abort()` needs no signal of its own (the aborting call itself never returns).
   */
  constructor(readonly signal: AbortSignal = NEVER_ABORTED) {}

  /** The run's event loop, created on first use. */
  eventLoop(logger: RuntimeOptions['logger']): EventLoop {
    return (this.loop ??= new EventLoop(logger));
  }

  halt(kind: 'interrupted' | 'aborted', reason = ''): void {
    if (this.halted) return;
    this.halted = kind;
    this.abortReason = reason;
    this.loop?.stop(); // k6 warns about each timer a hard stop cuts
    const f = this.onHalt;
    this.onHalt = null;
    f?.();
  }
}

/** Rejection reason of waits cut by a hard stop (scripts never observe it: see IterationRun). */
export class InterruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InterruptedError';
  }
}


/** mulberry32: small, fast, good enough for test data (k6's randomSeed is not crypto either). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The last merge of `emitWith` (see there). */
export class TagMemo {
  shared: Tags | null = null;
  extra: Tags | null = null;
  merged: Tags = {};
}

/** Same keys with the same values (order ignored). */
function sameTags(a: Tags, b: Tags): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/** `exec.vu.tags` (any values, stringified on use) equal to a stringified snapshot. */
function sameVuTags(live: Tags, snap: Tags): boolean {
  let n = 0;
  for (const k in live) {
    if (String(live[k]) !== snap[k]) return false;
    n++;
  }
  for (const _ in snap) n--;
  return n === 0;
}

const BRAND = Symbol.for('harness.k6.VUStateImpl');

export class VUStateImpl implements VUState {
  readonly [BRAND] = true;
  inInit = true;
  iteration: IterationContext | null = null;
  lifecycle: 'setup' | 'teardown' | 'handleSummary' | null = null;
  groupPath = '';
  readonly vuTags: Tags = {};
  readonly slots = new Map<string, unknown>();
  /** Tags of the running code before vuTags and group (iteration tags, or lifecycle tags). */
  baseTags: Tags = {};
  /** Scenario/instance views of the current run (iterations, and setup/teardown when given). */
  runCtx: Pick<IterationContext, 'scenario' | 'instance'> | null = null;
  /** The run in progress (iteration / setup / teardown), null in init and between runs. */
  run: IterationRun | null = null;
  /** The init context's event loop (timers set by init code), drained before init ends. */
  initLoop: EventLoop | null = null;
  /** Set when `exec.test.abort()` is called in the init context. */
  initAbort: string | null = null;
  private rng: () => number = Math.random;
  private readonly tagGroup: boolean;

  constructor(
    readonly vuId: number,
    readonly options: RuntimeOptions,
    readonly shared: RuntimeShared,
  ) {
    this.tagGroup = options.systemTags.has('group');
  }

  get signal(): AbortSignal {
    return this.run?.signal ?? NEVER_ABORTED;
  }

  random(): number {
    return this.rng();
  }

  seed(n: number): void {
    this.rng = seeded(Math.trunc(n));
  }

  currentTags(): Tags {
    return Object.assign({}, this.sharedTags());
  }

  private cache: { base: Tags; group: string; vu: Tags; tags: Tags } | null = null;

  /**
   * The current tag set, cached while baseTags (identity), the group and the content of
   * `vuTags` stay the same. The returned object is shared by samples: consumers must treat
   * sample tags as immutable.
   * (Object.assign, not spread: V8 turns `{ ...a }` followed by added keys into slow objects,
   * measured at ~4 µs a merge.)
   */
  private sharedTags(): Tags {
    const c = this.cache;
    if (c !== null && c.base === this.baseTags && c.group === this.groupPath && sameVuTags(this.vuTags, c.vu)) return c.tags;
    const t: Tags = Object.assign({}, this.baseTags);
    const vu: Tags = {};
    for (const k in this.vuTags) t[k] = vu[k] = String(this.vuTags[k]);
    if (this.tagGroup) t.group = this.groupPath;
    this.cache = { base: this.baseTags, group: this.groupPath, vu, tags: t };
    return t;
  }

  private readonly memo = new TagMemo();

  emit(metric: string, value: number, extraTags?: Tags, time?: number): void {
    this.emitWith(this.memo, metric, value, extraTags, time);
  }

  /**
   * `emit` with the caller's memo of merged tags: while the current tags and the content of
   * `extraTags` stay the same, every sample gets the same tags object (built once; outputs can
   * cache its encoding by identity). `extraTags` must not be mutated after the call.
   */
  emitWith(memo: TagMemo, metric: string, value: number, extraTags: Tags | undefined, time?: number): void {
    const shared = this.sharedTags();
    let tags = shared;
    if (extraTags !== undefined) {
      if (extraTags !== memo.extra || shared !== memo.shared) {
        if (shared !== memo.shared || memo.extra === null || !sameTags(extraTags, memo.extra)) memo.merged = Object.assign({}, shared, extraTags);
        memo.shared = shared;
        memo.extra = extraTags;
      }
      tags = memo.merged;
    }
    this.options.sink.push({ metric, time: time ?? now(), value, tags });
  }

  addBytes(sent: number, received: number): void {
    if (!this.run) return;
    this.run.bytesSent += sent;
    this.run.bytesReceived += received;
  }
}

/** ms since epoch with sub-ms precision. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Our modules need the run-scoped pieces; third-party `VUState`s do not have them. */
export function internalState(vu: VUState): VUStateImpl {
  if (!(vu as unknown as Record<symbol, unknown>)[BRAND]) throw new Error('this k6 module needs the builtin runtime (harness/k6/runtime)');
  return vu as VUStateImpl;
}
