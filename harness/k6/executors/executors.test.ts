import assert from 'node:assert/strict';
import { builtinExecutors } from './builtins';
import { rampingArrivalOffsets } from './ramping-arrival-rate';
import { rampingVUsTarget } from './ramping-vus';
import { ExecutorRegistry } from './registry';
import { sharedIterations } from './shared-iterations';
import { fakeTest } from '../execution/testing';

describe('k6 executors', () => {
  it('registry: duplicate keys throw; unknown keys list the valid ones', () => {
    assert.throws(() => new ExecutorRegistry().register(sharedIterations).register(sharedIterations), /already registered/);
    assert.throws(() => builtinExecutors().get('externally-controlled'), /unknown executor "externally-controlled"; valid: constant-arrival-rate, constant-vus, per-vu-iterations, ramping-arrival-rate, ramping-vus, shared-iterations/);
  });

  it('descriptions match k6', () => {
    const d = (script: Record<string, unknown>) => fakeTest(script).executors.map((e) => `${e.config.name}: ${e.description()}`);
    assert.deepEqual(
      d({
        scenarios: {
          ingest: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '2s', preAllocatedVUs: 5 },
          probe: { executor: 'per-vu-iterations', vus: 1, iterations: 3, exec: 'probe' },
        },
      }),
      ['ingest: 20.00 iterations/s for 2s (maxVUs: 5, gracefulStop: 30s)', 'probe: 3 iterations for each of 1 VUs (maxDuration: 10m0s, exec: probe, gracefulStop: 30s)'],
    );
    assert.deepEqual(d({ vus: 3, iterations: 9 }), ['default: 9 iterations shared among 3 VUs (maxDuration: 10m0s, gracefulStop: 30s)']);
    assert.deepEqual(d({ vus: 10, duration: '30s' }), ['default: 10 looping VUs for 30s (gracefulStop: 30s)']);
    assert.deepEqual(d({ stages: [{ duration: '30s', target: 50 }, { duration: '1m', target: 200 }] }), [
      'default: Up to 200 looping VUs for 1m30s over 2 stages (gracefulRampDown: 30s, gracefulStop: 30s)',
    ]);
    assert.deepEqual(
      d({ scenarios: { s: { executor: 'ramping-arrival-rate', startTime: '5s', preAllocatedVUs: 2, maxVUs: 50, timeUnit: '1m', stages: [{ duration: '1m', target: 600 }] } } }),
      ['s: Up to 10.00 iterations/s for 1m0s over 1 stages (maxVUs: 2-50, startTime: 5s, gracefulStop: 30s)'],
    );
  });

  it('ramping-vus target steps through integers like k6', () => {
    const stages = [
      { duration: 1000, target: 10 },
      { duration: 1000, target: 0 },
    ];
    assert.deepEqual([0, 99, 100, 550, 999, 1000, 1001, 1500, 1999, 2000, 5000].map((t) => rampingVUsTarget(0, stages, t)), [0, 0, 1, 5, 9, 10, 10, 5, 1, 0, 0]);
  });

  it('ramping-arrival-rate starts iteration k when the rate integral reaches k', () => {
    const flat = [...rampingArrivalOffsets(20, 1000, [{ duration: 2000, target: 20 }])];
    assert.equal(flat.length, 40);
    assert.ok(Math.abs(flat[0] - 50) < 1e-6 && Math.abs(flat[39] - 2000) < 1e-6);
    const ramp = [...rampingArrivalOffsets(0, 1000, [{ duration: 1000, target: 20 }])];
    assert.equal(ramp.length, 10);
    // integral of 20t over [0, t] = 10 t^2 (t in s): iteration 1 at sqrt(0.1) s
    assert.ok(Math.abs(ramp[0] - Math.sqrt(0.1) * 1000) < 1e-6);
    assert.ok(ramp.every((t, i) => i === 0 || t > ramp[i - 1]));
  });
});
