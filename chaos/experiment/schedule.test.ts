import assert from 'node:assert/strict';
import { SeededRng } from '../random';
import { catalog } from '../catalog';
import { buildSchedule, phaseAt } from './schedule';
import { validateExperiment } from './define-experiment';
import { recoveryTimes, evaluateThresholds, tagSamples } from './analysis';
import redisFlap from '../redis-flap';
import redisLatency from '../redis-latency';

describe('chaos experiment: schedule, phases, analysis', () => {
  it('the same seed gives the same schedule; another seed a different one', () => {
    const a = buildSchedule(redisFlap, { seed: 7 });
    const b = buildSchedule(redisFlap, { seed: 7 });
    const c = buildSchedule(redisFlap, { seed: 8 });
    const starts = (s: typeof a) => s.faults.map((f) => f.startMs);
    assert.deepEqual(starts(a), starts(b));
    assert.notDeepEqual(starts(a), starts(c));
    for (const f of a.faults) assert.ok(Math.abs(f.startMs - (8000 + 6000 * (Number(f.name.split('-')[1]) - 1))) <= 1000);
  });

  it('the same seed gives the same jitter sequence', () => {
    const draw = (seed: number) => {
      const rng = new SeededRng(seed);
      return Array.from({ length: 20 }, () => rng.int(-50, 50));
    };
    assert.deepEqual(draw(3), draw(3));
    assert.notDeepEqual(draw(3), draw(4));
  });

  it('--duration scales the whole timeline', () => {
    const s = buildSchedule(redisLatency, { seed: 1, durationMs: 6000 });
    assert.equal(s.scale, 0.2);
    assert.deepEqual(s.faults.map((f) => [f.name, f.startMs, f.endMs]), [['gateway-redis-latency', 2000, 4000]]);
  });

  it('tags phases from actual fault windows', () => {
    const w = [{ name: 'x', phase: 'fault:x', startMs: 100, endMs: 200 }];
    assert.deepEqual([0, 99, 100, 150, 200, 500].map((t) => phaseAt(t, w)), ['baseline', 'baseline', 'fault:x', 'fault:x', 'recovery', 'recovery']);
  });

  it('every catalog experiment is valid and the catalog has the eight game-day entries', () => {
    assert.deepEqual(catalog.map((e) => e.name), ['redis-latency', 'redis-partition', 'redis-flap', 'client-bandwidth', 'reset-peer-storm', 'slow-close', 'worker-crash', 'gateway-restart']);
    for (const e of catalog) assert.deepEqual(validateExperiment(e), [], e.name);
  });

  it('reports every problem of an invalid definition at once', () => {
    const problems = validateExperiment({
      name: 'Bad Name',
      description: '',
      scenario: 'steady',
      duration: '10s',
      hypothesis: { thresholds: { nope: ['p(95)<1'], http_req_failed: ['rate<<1'] } },
      method: [{ at: '5x', duration: '1s', link: 'gateway->redis', toxic: { type: 'latncy' as never, attributes: {} } }],
      verify: {},
    });
    assert.equal(problems.length, 6, problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('method[0].toxic.type: unknown toxic "latncy"; valid: latency')));
  });

  it('measures recovery time from the fault end until errors stay within the SLO', () => {
    const samples = [] as Array<{ t: number; durationMs: number; status: number }>;
    for (let t = 0; t < 3000; t += 50) samples.push({ t, durationMs: 10, status: t >= 1000 && t < 1600 ? 503 : 202 });
    const [r] = recoveryTimes(samples, [{ name: 'x', phase: 'fault:x', startMs: 1000, endMs: 1200 }], { slo: 0.05, bucketMs: 100, endMs: 3000 });
    assert.equal(r.recoveryMs, 400);
    const tagged = tagSamples(samples, [{ name: 'x', phase: 'fault:x', startMs: 1000, endMs: 1200 }]);
    const th = evaluateThresholds(tagged, { 'http_req_failed{phase:baseline}': ['rate<0.01'], 'http_req_failed{phase:recovery}': ['rate<0.01'] });
    assert.deepEqual(th.map((t) => t.ok), [true, false]);
  });
});
