import { setMaxListeners } from 'node:events';
import { formatDuration, formatFixedDuration, parseDuration } from '../../../vocabulary';
import type { BaseScenarioConfig, ScenarioRunContext, ScenarioVU, Stage } from './types';

/** Reads typed fields of one scenario object, collecting every problem with its dot-path. */
export class FieldReader {
  private readonly seen = new Set<string>();
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly path: string,
    private readonly problems: string[],
  ) {}

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  problem(key: string, msg: string): void {
    this.problems.push(`${this.path}.${key}: ${msg}`);
  }

  int(key: string, def: number, min = 0): number {
    this.seen.add(key);
    const v = this.raw[key];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.problem(key, `must be an integer, got ${JSON.stringify(v)}`);
      return def;
    }
    if (v < min) this.problem(key, `must be >= ${min}, got ${v}`);
    return v;
  }

  /** A required or defaulted duration in ms (`def` undefined = required). */
  duration(key: string, def: number | undefined, min = 0): number {
    this.seen.add(key);
    const v = this.raw[key];
    if (v === undefined || v === null || v === '') {
      if (def === undefined) this.problem(key, 'is required (e.g. "30s")');
      return def ?? 0;
    }
    const r = parseDuration(v);
    if (!r.ok) {
      this.problem(key, r.error);
      return def ?? 0;
    }
    if (r.ms < min) this.problem(key, min === 0 ? `can't be negative, got ${formatDuration(r.ms)}` : `must be at least ${formatDuration(min)}, got ${formatDuration(r.ms)}`);
    return r.ms;
  }

  stages(key: string, required: boolean): Stage[] {
    this.seen.add(key);
    const v = this.raw[key];
    if (v === undefined || v === null) {
      if (required) this.problem(key, 'at least one stage has to be specified');
      return [];
    }
    if (!Array.isArray(v)) {
      this.problem(key, 'must be an array of { duration, target }');
      return [];
    }
    if (required && v.length === 0) this.problem(key, 'at least one stage has to be specified');
    return v.map((s, i) => readStage(s, `${this.path}.${key}[${i}]`, this.problems));
  }

  /** Reports keys that no reader asked for (typos such as `durration`). */
  rejectUnknown(allowedBase: readonly string[]): void {
    for (const k of Object.keys(this.raw)) {
      if (!this.seen.has(k) && !allowedBase.includes(k)) this.problems.push(`${this.path}.${k}: unknown field for executor ${String(this.raw.executor)}`);
    }
  }
}

export function readStage(s: unknown, path: string, problems: string[]): Stage {
  if (!s || typeof s !== 'object' || Array.isArray(s)) {
    problems.push(`${path}: must be an object { duration, target }`);
    return { duration: 0, target: 0 };
  }
  const o = s as Record<string, unknown>;
  let duration = 0;
  const d = parseDuration(o.duration ?? '');
  if (o.duration === undefined) problems.push(`${path}.duration: is required`);
  else if (!d.ok) problems.push(`${path}.duration: ${d.error}`);
  else if (d.ms < 0) problems.push(`${path}.duration: can't be negative`);
  else duration = d.ms;
  let target = 0;
  if (o.target === undefined || o.target === null) target = 0;
  else if (typeof o.target !== 'number' || !Number.isInteger(o.target) || o.target < 0) problems.push(`${path}.target: must be a non-negative integer, got ${JSON.stringify(o.target)}`);
  else target = o.target;
  for (const k of Object.keys(o)) if (k !== 'duration' && k !== 'target') problems.push(`${path}.${k}: unknown field (stages take duration and target)`);
  return { duration, target };
}

export const BASE_FIELDS = ['executor', 'startTime', 'gracefulStop', 'exec', 'env', 'tags'] as const;

/** k6's `getBaseInfo`: ` (facts..., exec: x, startTime: y, gracefulStop: z)`. */
export function baseInfo(c: BaseScenarioConfig, ...facts: string[]): string {
  const all = [...facts];
  if (c.execExplicit) all.push(`exec: ${c.exec}`);
  if (c.startTime > 0) all.push(`startTime: ${formatDuration(c.startTime)}`);
  if (c.gracefulStop > 0) all.push(`gracefulStop: ${formatDuration(c.gracefulStop)}`);
  return all.length ? ` (${all.join(', ')})` : '';
}

/** `spent/total` with k6's fixed-length formatting, or just `total` once past it. */
export function progressDuration(spent: number, total: number): string {
  if (spent >= total) return formatDuration(total);
  return `${formatFixedDuration(spent, total)}/${formatDuration(total)}`;
}

/** k6's GetFixedLengthIntFormat: zero-padded to the digits of max. */
export function padInt(v: number, max: number): string {
  return String(v).padStart(String(Math.max(0, Math.floor(max))).length, '0');
}

/** k6's GetFixedLengthFloatFormat(max, 2). */
export function padFloat2(v: number, max: number): string {
  let len = 1;
  if (max >= 10) len += Math.floor(Math.log10(max));
  len += 3;
  return v.toFixed(2).padStart(len, '0');
}

export function sumStages(stages: readonly Stage[]): number {
  return stages.reduce((a, s) => a + s.duration, 0);
}

/**
 * The end of a scenario's regular duration and its graceful stop: `hard` aborts when the test
 * stops or when the graceful stop window ends. Both moments are deadlines on the `now()` clock,
 * like k6's contexts (start + duration, + gracefulStop): a late timer does not push the hard stop
 * later, and a timer Node fires early (see sleepUntil) is re-armed. Dispose clears the timers.
 */
export class StopControl {
  readonly hard = new AbortController();
  regularDone = false;
  /** Cancels the pending deadlines (sleepUntil's timers) on dispose. */
  private readonly disposed = new AbortController();
  private readonly onTestStop = () => this.hard.abort();

  constructor(
    private readonly testStop: AbortSignal,
    private readonly now: () => number,
  ) {
    // every VU of the scenario (runtime and HTTP client) keeps one listener on it
    setMaxListeners(0, this.hard.signal);
    if (testStop.aborted) this.hard.abort();
    else testStop.addEventListener('abort', this.onTestStop, { once: true });
  }

  /** The regular duration ended (at `endedAt`, default now): no new iterations; hard stop `graceMs` after that end. */
  beginGrace(graceMs: number, endedAt = this.now()): void {
    if (this.regularDone) return;
    this.regularDone = true;
    if (graceMs <= 0) this.hard.abort();
    else void sleepUntil(endedAt + graceMs, this.now, this.disposed.signal).then((due) => due && this.hard.abort());
  }

  /** Schedules `beginGrace` at the absolute time `atMs`. */
  endAt(atMs: number, graceMs: number): void {
    void sleepUntil(atMs, this.now, this.disposed.signal).then((due) => due && this.beginGrace(graceMs, atMs));
  }

  get stopped(): boolean {
    return this.regularDone || this.hard.signal.aborted;
  }

  dispose(): void {
    this.disposed.abort();
    this.testStop.removeEventListener('abort', this.onTestStop);
  }
}

/**
 * Resolves at absolute time `at` (ms epoch), never before it, or when `signal` aborts (resolves
 * false then). Node measures a timer's delay from the event loop's cached time, which lags behind
 * `now()` after long synchronous work, so a timer can fire early: it is re-armed for what is left.
 */
export function sleepUntil(at: number, now: () => number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  const delay = at - now();
  if (delay <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    const fire = () => {
      const left = at - now();
      if (left > 0) {
        t = setTimeout(fire, Math.ceil(left));
        return;
      }
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    };
    let t = setTimeout(fire, Math.ceil(delay));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The looping executors' VU pool: `count` VUs, each taken from the buffer, counted active for the
 * scenario while `loop` runs, and returned to the buffer however `loop` ends.
 */
export async function runLoopingVUs(ctx: ScenarioRunContext, count: number, loop: (vu: ScenarioVU) => Promise<void>): Promise<void> {
  const worker = async () => {
    const vu = await ctx.getVU();
    ctx.activate();
    try {
      await loop(vu);
    } finally {
      ctx.deactivate();
      ctx.returnVU(vu);
    }
  };
  await Promise.all(Array.from({ length: count }, worker));
}
