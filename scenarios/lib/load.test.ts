/**
 * Pure logic of the scenario library, run in Node (no k6 module is imported by these files):
 * override scaling, durations, config validation, payload determinism.
 */
import assert from 'node:assert/strict';

// config.ts reads k6's __ENV global at load time
(globalThis as Record<string, unknown>).__ENV = {};
const { parseDuration, formatDuration } = await import('../../vocabulary/duration');
const { loadConfig } = await import('./config');
const { scaleStages, constantVus, rampingVus, constantArrivalRate, rampingArrivalRate, totalSeconds } = await import('./load');
const { makeSample, makeBatch } = await import('./payload');

describe('scenarios/lib', () => {
  it('reads durations with the harness-wide parser (vocabulary/duration): a bare number is ms', () => {
    assert.deepEqual(parseDuration('1m30s'), { ok: true, ms: 90_000 });
    assert.deepEqual(parseDuration('12'), { ok: true, ms: 12 });
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(loadConfig({ HARNESS_DURATION: '90' }).durationS, 0.09);
    assert.equal(loadConfig({ HARNESS_DURATION: '90s' }).durationS, 90);
    assert.throws(() => loadConfig({ HARNESS_DURATION: '0s' }), /HARNESS_DURATION=0s: must be a positive duration/);
  });

  it('reads overrides from env and reports every invalid one at once', () => {
    const c = loadConfig({ BASE_URL: 'http://127.0.0.1:9/', HARNESS_VUS: '7', HARNESS_DURATION: '1m', HARNESS_RATE: '2.5', HARNESS_SEED: '42' });
    assert.deepEqual(
      { baseUrl: c.baseUrl, vus: c.vus, d: c.durationS, rate: c.rate, seed: c.seed },
      { baseUrl: 'http://127.0.0.1:9', vus: 7, d: 60, rate: 2.5, seed: 42 },
    );
    assert.equal(loadConfig({}).baseUrl, 'http://127.0.0.1:8080');
    assert.throws(
      () => loadConfig({ HARNESS_VUS: '0', HARNESS_DURATION: 'soon', BASE_URL: 'ftp://x' }),
      (e: Error) => /HARNESS_VUS=0/.test(e.message) && /HARNESS_DURATION=soon/.test(e.message) && /BASE_URL=ftp:\/\/x/.test(e.message),
    );
  });

  it('scales a ramp to a new peak and total duration, keeping its shape', () => {
    const stages = [
      { duration: '30s', target: 50 },
      { duration: '5s', target: 100 },
      { duration: '25s', target: 100 },
      { duration: '5s', target: 200 },
      { duration: '25s', target: 200 },
    ];
    const s = scaleStages(stages, 50, { peak: 20, totalS: 9 });
    assert.equal(s.start, 5);
    assert.deepEqual(s.stages, [
      { duration: '3s', target: 5 },
      { duration: '500ms', target: 10 },
      { duration: '2.5s', target: 10 },
      { duration: '500ms', target: 20 },
      { duration: '2.5s', target: 20 },
    ]);
    assert.equal(totalSeconds(s.stages), 9);
    assert.deepEqual(scaleStages(stages, 50, {}), { start: 50, stages }, 'no override, no change');
    // a non-zero target never scales to 0; zero stays zero
    assert.deepEqual(scaleStages([{ duration: '1s', target: 1 }, { duration: '1s', target: 0 }, { duration: '1s', target: 300 }], 0, { peak: 3 }).stages.map((x) => x.target), [1, 0, 3]);
  });

  it('applies --vus/--duration (HARNESS_VUS/HARNESS_DURATION) to each executor builder', () => {
    const cfg = loadConfig({ HARNESS_VUS: '3', HARNESS_DURATION: '5s' });
    assert.deepEqual(constantVus({ vus: 10, duration: '30s' }, cfg), { executor: 'constant-vus', vus: 3, duration: '5s' });
    assert.deepEqual(constantVus({ vus: 10, duration: '30s' }, loadConfig({})), { executor: 'constant-vus', vus: 10, duration: '30s' });
    const rv = rampingVus({ startVUs: 10, stages: [{ duration: '10s', target: 10 }, { duration: '10s', target: 300 }] }, cfg);
    assert.deepEqual(rv.stages, [{ duration: '2.5s', target: 1 }, { duration: '2.5s', target: 3 }]);
    assert.equal(rv.startVUs, 1);
    const car = constantArrivalRate({ rate: 50, duration: '5m', preAllocatedVUs: 20, maxVUs: 200 }, cfg);
    assert.deepEqual(
      { rate: car.rate, tu: car.timeUnit, d: car.duration, pre: car.preAllocatedVUs, max: car.maxVUs },
      { rate: 50, tu: '1s', d: '5s', pre: 3, max: 3 },
    );
    const fractional = constantArrivalRate({ rate: 50, duration: '5m', preAllocatedVUs: 20, maxVUs: 200 }, loadConfig({ HARNESS_RATE: '0.5' }));
    assert.deepEqual({ rate: fractional.rate, tu: fractional.timeUnit }, { rate: 30, tu: '1m' });
    const rar = rampingArrivalRate(
      { startRate: 50, stages: [{ duration: '30s', target: 200 }, { duration: '30s', target: 3200 }], preAllocatedVUs: 50, maxVUs: 500 },
      loadConfig({ HARNESS_RATE: '320', HARNESS_DURATION: '6s' }),
    );
    assert.deepEqual(rar.stages, [{ duration: '3s', target: 20 }, { duration: '3s', target: 320 }]);
    assert.equal(rar.startRate, 5);
    assert.equal(rar.maxVUs, 500);
  });

  it('generates valid, deterministic samples per (seed, VU, iteration)', () => {
    const a = makeSample(3, 7, { seed: 1, now: 0 });
    assert.deepEqual(a, makeSample(3, 7, { seed: 1, now: 0 }));
    assert.notDeepEqual(a.metrics, makeSample(3, 8, { seed: 1, now: 0 }).metrics);
    assert.notDeepEqual(a.metrics, makeSample(4, 7, { seed: 1, now: 0 }).metrics);
    assert.notDeepEqual(a.metrics, makeSample(3, 7, { seed: 2, now: 0 }).metrics);
    assert.equal(a.device_id, 'dev-0003-3');
    assert.equal(a.timestamp, '1970-01-01T00:00:00.000Z');
    for (const v of Object.values(a.metrics)) assert.ok(Number.isFinite(v));
    const batch = makeBatch(1, 2, 5, { seed: 1, now: 0 });
    assert.equal(batch.length, 5);
    assert.deepEqual(batch, makeBatch(1, 2, 5, { seed: 1, now: 0 }));
  });
});
