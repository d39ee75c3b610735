import assert from 'node:assert/strict';
import { HANDOFF_MS, withLoopTimeline } from '../../testing';
import { Scheduler } from './scheduler';
import { CollectingSink, FakeRuntime, fakeRuntimeOptions, fakeTest, silentLogger, type FakeBehaviour } from './testing';
import type { LiveThresholds } from './types';

async function runFake(script: Record<string, unknown>, b: FakeBehaviour = {}, extra: { signal?: AbortSignal; thresholds?: LiveThresholds; tags?: Record<string, string> } = {}) {
  const sink = new CollectingSink();
  const runtime = new FakeRuntime(b);
  const { options, executors } = fakeTest(script);
  const sched = new Scheduler({
    runtime,
    runtimeOptions: fakeRuntimeOptions(sink, { tags: extra.tags ?? {} }),
    options,
    executors,
    logger: silentLogger,
    signal: extra.signal,
    thresholds: extra.thresholds,
    thresholdIntervalMs: 100,
    gaugeIntervalMs: 200,
  });
  const result = await sched.run();
  return { result, sink, runtime, sched };
}

describe('k6 scheduler with executors (fake VUs)', function () {
  this.timeout(20_000);

  it('shared-iterations: exactly N iterations shared among the VUs, iteration metrics tagged', async () => {
    const { result, sink, runtime } = await runFake({ vus: 3, iterations: 9 });
    assert.equal(result.exitCode, 0);
    assert.equal(sink.of('iterations').length, 9);
    assert.equal(result.iterationsCompleted, 9);
    assert.equal(runtime.vusCreated, 3);
    assert.deepEqual(new Set(runtime.calls.map((c) => c.vu)), new Set([1, 2, 3]));
    const it0 = sink.of('iterations')[0];
    assert.deepEqual(it0.tags, { scenario: 'default', group: '' });
    assert.deepEqual(
      sink.samples.filter((s) => s.time === it0.time).map((s) => s.metric),
      ['data_sent', 'data_received', 'iteration_duration', 'iterations'],
    );
    assert.equal(sink.sum('data_sent'), 90);
    assert.deepEqual(runtime.calls[0].data, { ok: true });
  });

  it('per-vu-iterations: each VU runs its own count with __ITER 0..n-1; exec, env and tags per scenario', async () => {
    const { sink, runtime } = await runFake(
      { scenarios: { p: { executor: 'per-vu-iterations', vus: 2, iterations: 3, exec: 'default', env: { X: 'y' }, tags: { flow: 'f' } } } },
      {},
      { tags: { test: 't' } },
    );
    assert.equal(sink.of('iterations').length, 6);
    for (const vu of [1, 2]) assert.deepEqual(runtime.calls.filter((c) => c.vu === vu).map((c) => c.iter), [0, 1, 2]);
    assert.deepEqual(runtime.calls[0].env, { BASE: '1', X: 'y' });
    assert.deepEqual(runtime.calls[0].tags, { test: 't', flow: 'f', scenario: 'p' });
    assert.deepEqual(sink.of('iterations')[0].tags, { test: 't', flow: 'f', scenario: 'p', group: '' });
  });

  it('constant-vus: each VU loops back to back from the start to the end of the duration; vus/vus_max gauges', async () => {
    const { value, loop } = await withLoopTimeline(() => runFake({ vus: 2, duration: '1s' }, { iterationMs: () => 100 }));
    const { sink, result, runtime } = value;
    const n = sink.of('iterations').length;
    assert.equal(result.iterationsInterrupted, 0);
    assert.equal(result.iterationsCompleted, n);
    assert.equal(runtime.calls.length, n, 'every iteration begun completed (30 s gracefulStop)');
    // How many iterations fit in 1 s depends on the machine; what the executor promises does not:
    // each VU starts at the scenario's start, begins its next iteration as soon as one ends (late
    // by at most what the event loop was late then), never begins one after the end, and stops
    // only at the end: its last iteration ended at the end or later, or so shortly before it that
    // the event loop did not run again until the end (lateAt(end) bounds that stall). Each
    // iteration lasts its 100 ms, so at most 10 (11 with a timer that fires 1 ms early) fit per VU.
    for (const vu of [1, 2]) {
      const its = runtime.calls.filter((c) => c.vu === vu).sort((a, b) => a.start - b.start);
      assert.ok(its.length >= 1 && its.length <= 11, `VU ${vu}: ${its.length} iterations`);
      const end = its[0].scenarioStart + 1000;
      const first = its[0].start - its[0].scenarioStart;
      assert.ok(first <= loop.lateAt(its[0].start), `VU ${vu} began ${first.toFixed(1)} ms after the scenario (the event loop ran at most ${loop.lateAt(its[0].start).toFixed(1)} ms late then)`);
      for (let i = 1; i < its.length; i++) {
        const gap = its[i].start - its[i - 1].end!;
        assert.ok(gap <= loop.lateAt(its[i].start), `VU ${vu}: iteration ${i} began ${gap.toFixed(1)} ms after the previous ended (the event loop ran at most ${loop.lateAt(its[i].start).toFixed(1)} ms late then)`);
      }
      assert.ok(its.every((c) => c.start < end), `VU ${vu} began an iteration after the end of the duration`);
      // (the run itself lasted past the end, so the timeline covers it)
      assert.ok(result.startedAt + result.durationMs >= end - 1, `the run ended ${(end - result.startedAt - result.durationMs).toFixed(1)} ms before the end of the duration`);
      const last = its.at(-1)!.end! - end;
      assert.ok(last >= -loop.lateAt(end), `VU ${vu} stopped looping ${(-last).toFixed(1)} ms before the end of the duration (the event loop ran at most ${loop.lateAt(end).toFixed(1)} ms late then)`);
    }
    assert.ok(sink.of('vus_max').length >= 3);
    assert.ok(sink.of('vus_max').every((s) => s.value === 2));
    assert.ok(sink.of('vus').some((s) => s.value === 2));
  });

  it('gracefulStop: an iteration still running after duration + gracefulStop is interrupted, at that moment', async () => {
    const { value, loop } = await withLoopTimeline(() =>
      runFake({ scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '200ms' } } }, { iterationMs: () => 1500 }),
    );
    const { sink, result, runtime } = value;
    assert.equal(result.iterationsInterrupted, 1);
    assert.equal(result.iterationsCompleted, 0);
    assert.equal(sink.of('iterations').length, 0);
    assert.equal(sink.of('data_sent').length, 1, 'interrupted iterations still report their bytes');
    // interrupted at the end of the duration + gracefulStop (1200 ms after the scenario started),
    // never before (a timer may fire 1 ms early) and at most as late as the event loop ran then:
    // the window is a deadline on the clock, so a late end-of-duration timer does not stretch it
    assert.equal(runtime.calls.length, 1);
    const [c] = runtime.calls;
    const at = c.end! - c.scenarioStart;
    assert.ok(at >= 1199, `interrupted ${at.toFixed(1)} ms after the start, before duration + gracefulStop (1200 ms)`);
    assert.ok(at <= 1200 + loop.lateAt(c.end!) + HANDOFF_MS, `interrupted ${at.toFixed(1)} ms after the start; due at 1200 ms, and the event loop ran at most ${loop.lateAt(c.end!).toFixed(1)} ms late then`);
  });

  it('constant-arrival-rate: rate*duration iterations, started on an absolute schedule', async () => {
    const { value, loop } = await withLoopTimeline(() =>
      runFake({ scenarios: { a: { executor: 'constant-arrival-rate', rate: 50, duration: '1s', preAllocatedVUs: 3 } } }, { iterationMs: () => 5 }),
    );
    const { runtime, sink } = value;
    // every tick of the 1 s (0, 20, ..., 980 ms) starts an iteration, or is dropped when a late
    // event loop finds the 3 VUs busy
    const done = sink.of('iterations').length;
    const dropped = sink.of('dropped_iterations').length;
    assert.equal(done + dropped, 50);
    assert.ok(done > 0);
    // The k-th started iteration is tick j with k <= j <= k + dropped, due at j * 20 ms after the
    // scenario started: never before it, and at most as late as the event loop ran late. A
    // schedule relative to the previous tick would drift later tick by tick and fail the upper bound.
    for (const [k, c] of [...runtime.calls].sort((a, b) => a.start - b.start).entries()) {
      const t = c.start - c.scenarioStart;
      const late = loop.lateAt(c.start);
      assert.ok(t >= k * 20 - 1, `start ${k} at ${t.toFixed(1)} ms, before its tick (${k * 20} ms)`);
      assert.ok(t <= (k + dropped) * 20 + late, `start ${k} at ${t.toFixed(1)} ms; due by ${(k + dropped) * 20} ms, and the event loop ran at most ${late.toFixed(1)} ms late then`);
    }
  });

  it('arrival rate with too few VUs: dropped_iterations, and no more VUs than maxVUs', async () => {
    const { sink, runtime } = await runFake(
      { scenarios: { a: { executor: 'constant-arrival-rate', rate: 20, duration: '1s', preAllocatedVUs: 1, maxVUs: 2 } } },
      { iterationMs: () => 180 },
    );
    const done = sink.of('iterations').length;
    const dropped = sink.of('dropped_iterations').length;
    assert.equal(done + dropped, 20);
    assert.ok(dropped >= 5, `dropped ${dropped}`);
    assert.equal(runtime.vusCreated, 2);
    assert.deepEqual(sink.of('dropped_iterations')[0].tags, { scenario: 'a' });
  });

  it('ramping-arrival-rate: the integral of the rate', async () => {
    const { sink } = await runFake(
      { scenarios: { r: { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', preAllocatedVUs: 2, stages: [{ duration: '1s', target: 20 }] } } },
      { iterationMs: () => 2 },
    );
    // started or (on a late event loop, with both VUs busy) dropped
    assert.equal(sink.of('iterations').length + sink.of('dropped_iterations').length, 10);
    assert.ok(sink.of('iterations').length > 0);
  });

  it('ramping-vus: follows the stages and ramps down', async () => {
    const { sink, runtime, result } = await runFake(
      { scenarios: { r: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '400ms', target: 3 }, { duration: '400ms', target: 0 }], gracefulRampDown: '0s' } } },
      { iterationMs: () => 50 },
    );
    assert.equal(result.exitCode, 0);
    assert.ok(new Set(runtime.calls.map((c) => c.vu)).size >= 2);
    assert.ok(sink.of('vus_max').every((s) => s.value === 3));
  });

  it('scenarios that do not overlap reuse VUs; startTime delays a scenario', async () => {
    const { runtime, sched } = await runFake({
      scenarios: {
        a: { executor: 'per-vu-iterations', vus: 2, iterations: 1, maxDuration: '1s', gracefulStop: '0s' },
        b: { executor: 'per-vu-iterations', vus: 2, iterations: 1, startTime: '1s' },
      },
    });
    assert.equal(sched.plan.plannedVUs, 2);
    assert.equal(runtime.vusCreated, 2);
    const b = runtime.calls.filter((c) => c.scenario === 'b');
    assert.ok(b[0].start - runtime.calls[0].start >= 999);
  });

  it('startTime counts from the end of setup() (k6 execution/scheduler.go starts its timer after setup)', async () => {
    const { runtime, result } = await runFake({ scenarios: { s: { executor: 'per-vu-iterations', vus: 1, iterations: 1, startTime: '200ms' } } }, { setupMs: 300 });
    const waited = runtime.calls[0].start - result.startedAt;
    // setup's 300 ms (its fake timer may fire up to 1 ms early), then the 200 ms
    assert.ok(waited >= 499, `the scenario began ${waited.toFixed(1)} ms after the test started`);
  });

  it('test.abort(): stops everything, runs teardown, exit 108', async () => {
    const { result, runtime } = await runFake({ vus: 2, duration: '5s' }, { iterationMs: () => 20, action: (ctx) => (ctx.iteration === 2 ? 'abort' : undefined) });
    assert.equal(result.exitCode, 108);
    assert.equal(result.stopCause?.kind, 'script');
    // stopped at once, not at the end of the 5 s: no iteration began after the aborting one ended
    const abortedAt = Math.min(...runtime.calls.filter((c) => c.iter === 2).map((c) => c.end!));
    const after = runtime.calls.filter((c) => c.start > abortedAt);
    assert.equal(after.length, 0, `${after.length} iterations began after test.abort()`);
    assert.match(result.error!.message, /test aborted: enough/);
  });

  it('SIGINT through the signal: graceful stop, exit 105', async () => {
    const ctrl = new AbortController();
    let signalledAt = Infinity;
    setTimeout(() => {
      signalledAt = performance.timeOrigin + performance.now();
      ctrl.abort();
    }, 300);
    const { result, runtime } = await runFake({ vus: 2, duration: '5s' }, { iterationMs: () => 50 }, { signal: ctrl.signal });
    assert.equal(result.exitCode, 105);
    assert.equal(result.stopCause?.kind, 'signal');
    // stopped on the signal, not at the end of the 5 s: no iteration began after it
    const after = runtime.calls.filter((c) => c.start > signalledAt);
    assert.equal(after.length, 0, `${after.length} iterations began after the signal`);
  });

  it('abortOnFail thresholds stop the test with exit 99', async () => {
    let calls = 0;
    const { result } = await runFake({ vus: 1, duration: '5s' }, {}, { thresholds: { abortingMetrics: () => (++calls >= 2 ? ['http_req_failed'] : []) } });
    assert.equal(result.exitCode, 99);
    assert.equal(result.stopCause?.kind, 'thresholds');
  });

  it('setup/teardown timeouts exit 100/101; init errors 107', async () => {
    assert.equal((await runFake({ setupTimeout: '100ms' }, { setupMs: 1000 })).result.exitCode, 100);
    const td = await runFake({ teardownTimeout: '100ms' }, { teardownMs: 1000 });
    assert.equal(td.result.exitCode, 101);
    assert.match(td.result.error!.message, /teardown\(\) execution timed out after 0 seconds/);
    assert.equal((await runFake({}, { failInit: true })).result.exitCode, 107);
  });

  it('a failing iteration still counts as complete (k6 semantics)', async () => {
    const { result } = await runFake({ vus: 1, iterations: 3 }, { action: () => 'throw' });
    assert.equal(result.iterationsCompleted, 3);
    assert.equal(result.exitCode, 0);
  });
});
