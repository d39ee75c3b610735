/** Test helpers: a fake script runtime whose iterations just wait, and a collecting sink. */
import { builtinExecutors } from '../executors/builtins';
import type { Executor } from '../executors/types';
import { consolidateOptions } from '../options/consolidate';
import type { K6Options } from '../options/types';
import type { IterationContext, IterationOutcome, LifecycleVU, Logger, RuntimeOptions, Sample, ScriptRuntime, VU } from '../types';

export interface FakeBehaviour {
  /** ms an iteration of `exec` takes (default 10). */
  iterationMs?: (ctx: IterationContext, vuId: number) => number;
  /** Return 'abort' to make the iteration call test.abort(), 'throw' to throw. */
  action?: (ctx: IterationContext, vuId: number) => 'abort' | 'throw' | undefined;
  setupMs?: number;
  teardownMs?: number;
  setupData?: unknown;
  failInit?: boolean;
}

export class CollectingSink {
  readonly samples: Sample[] = [];
  push(s: Sample): void {
    this.samples.push(s);
  }
  of(metric: string): Sample[] {
    return this.samples.filter((s) => s.metric === metric);
  }
  sum(metric: string): number {
    return this.of(metric).reduce((a, s) => a + s.value, 0);
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class FakeRuntime implements ScriptRuntime {
  readonly exports = { options: {}, functions: ['default', 'setup', 'teardown'] };
  /** One entry per iteration begun; `end` (epoch ms) is set when it returns, completed or interrupted. */
  readonly calls: { vu: number; exec: string; iter: number; scenario: string; start: number; end?: number; scenarioStart: number; tags: Record<string, string>; env: Record<string, string>; data: unknown }[] = [];
  vusCreated = 0;
  constructor(private readonly b: FakeBehaviour = {}) {}

  async newVU(id: number): Promise<VU> {
    if (this.b.failInit) throw new Error('boom in init');
    this.vusCreated++;
    const b = this.b;
    const calls = this.calls;
    return {
      id,
      async runIteration(ctx): Promise<IterationOutcome> {
        const start = performance.timeOrigin + performance.now();
        const call: FakeRuntime['calls'][number] = { vu: id, exec: ctx.exec, iter: ctx.iteration, scenario: ctx.scenario.name, start, scenarioStart: ctx.scenario.startTime, tags: ctx.tags, env: ctx.env, data: ctx.data };
        calls.push(call);
        const ok = await wait(b.iterationMs?.(ctx, id) ?? 10, ctx.signal);
        call.end = performance.timeOrigin + performance.now();
        const durationMs = call.end - start;
        const base = { durationMs, bytesSent: 10, bytesReceived: 20 };
        if (!ok) return { status: 'interrupted', ...base };
        const act = b.action?.(ctx, id);
        if (act === 'abort') return { status: 'aborted', ...base, reason: 'enough' };
        if (act === 'throw') return { status: 'failed', ...base, error: new Error('script error') };
        return { status: 'completed', ...base };
      },
      async dispose() {},
    };
  }

  async newLifecycleVU(): Promise<LifecycleVU> {
    const b = this.b;
    return {
      id: 0,
      runIteration: () => Promise.reject(new Error('not for lifecycle')),
      async runSetup(ctx) {
        await wait(b.setupMs ?? 0, ctx.signal);
        return b.setupData ?? { ok: true };
      },
      async runTeardown(ctx) {
        await wait(b.teardownMs ?? 0, ctx.signal);
      },
      async runHandleSummary() {
        return undefined;
      },
      async dispose() {},
    };
  }
}

/** Consolidated options + executors from a script-style options object. */
export function fakeTest(script: Record<string, unknown>): { options: K6Options; executors: Executor[] } {
  const registry = builtinExecutors();
  const { options } = consolidateOptions({ script, env: {}, cli: {}, registry });
  return { options, executors: options.scenarios.map((s) => registry.get(s.executor).create(s)) };
}

export function fakeRuntimeOptions(sink: CollectingSink, extra: Partial<RuntimeOptions> = {}): RuntimeOptions {
  return {
    filename: 'fake.js',
    cwd: '/',
    env: { BASE: '1' },
    tags: {},
    systemTags: new Set(['scenario', 'group', 'check']),
    userAgent: 'k6',
    logger: silentLogger,
    metrics: { getOrCreate: () => ({ name: '', type: 'counter', contains: 'default' }), get: () => undefined, all: () => [] },
    sink,
    ...extra,
  };
}
