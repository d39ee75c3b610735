import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRng } from '../random';
import { catalog } from '../catalog';
import { buildSchedule, phaseAt, recoveryFloorMs, type Schedule } from './schedule';
import { validateExperiment } from './define-experiment';
import { recoveryTimes, evaluateThresholds } from './analysis';
import { pointsFromSamples, readK6Stream, samplesFromPoints, tagPoints, writeTaggedStream } from './k6-stream';
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
    for (const f of a.faults) assert.ok(Math.abs(f.startMs - 8000 * Number(f.name.split('-')[1])) <= 1000);
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

  it('the recovery phase has a floor: recoveryWithin (unscaled) + min(2 s, recoveryWithin), whatever --duration', () => {
    const s = buildSchedule(redisLatency, { seed: 1, durationMs: 6000 });
    assert.equal(s.recoveryFloorMs, 12_000);
    assert.equal(s.scaledMs, 6000);
    assert.equal(s.totalMs, 4000 + 12_000, 'the fault ends at 4 s; recovery lasts 12 s');
    assert.equal(buildSchedule(redisLatency, { seed: 1 }).totalMs, 32_000, 'at scale 1: fault ends at 20 s, + 12 s');
    const noBudget = { ...redisLatency, verify: {} };
    assert.equal(buildSchedule(noBudget, { seed: 1, durationMs: 6000 }).totalMs, 6000);
  });

  /**
   * What the verdict needs, checked without the schedule's own episode logic: after every fault,
   * the next fault that starts once it is over starts at least the recovery floor later (the
   * analysis measures recovery until then), and the timeline runs at least the floor past it.
   */
  const recoveryWindowViolations = (s: Schedule, floor: number): string[] => {
    const bad: string[] = [];
    for (const f of s.faults) {
      const next = s.faults.filter((g) => g !== f && g.startMs >= f.endMs).reduce((m, g) => Math.min(m, g.startMs), s.totalMs);
      if (next - f.endMs < floor) bad.push(`${f.name} ends at ${f.endMs}, next fault or end at ${next} (< ${floor} ms later)`);
    }
    return bad;
  };

  it('property: for seeds 1..2000 and any --duration, every catalog experiment leaves each fault its recovery window', () => {
    let checked = 0;
    let moved = 0;
    for (const def of catalog) {
      const floor = recoveryFloorMs(def);
      for (const durationMs of [undefined, 4000, 8000, 12_000, 60_000]) {
        for (let seed = 1; seed <= 2000; seed++) {
          const s = buildSchedule(def, { seed, durationMs });
          const bad = recoveryWindowViolations(s, floor);
          assert.deepEqual(bad, [], `${def.name} seed ${seed} duration ${durationMs ?? def.duration}: ${bad.join('; ')}`);
          // Never before the planned (scaled, jittered) moment, never out of order.
          assert.deepEqual(s.faults.map((f) => f.index), [...s.faults].sort((a, b) => a.startMs - b.startMs || a.index - b.index).map((f) => f.index));
          assert.ok(s.faults.every((f) => f.startMs >= 0 && f.endMs >= f.startMs && f.endMs <= s.totalMs));
          if (durationMs === undefined) assert.equal(s.totalMs, Math.max(s.scaledMs, Math.max(...s.faults.map((f) => f.endMs)) + floor));
          checked++;
          if (durationMs !== undefined && durationMs < 12_000 && s.totalMs > s.scaledMs + floor) moved++;
        }
      }
    }
    assert.equal(checked, catalog.length * 5 * 2000);
    assert.ok(moved > 0, 'short --duration values do make the schedule move faults (the check is not vacuous)');
  });

  it('jitter or a short --duration that would crowd two faults moves the later one (and what follows) back', () => {
    const def = { ...redisFlap, duration: '40s' };
    // At scale 0.2 the flaps would be 1.6 s apart and 0.4 s long: each is moved to the previous end + 4 s.
    const s = buildSchedule(def, { seed: 3, durationMs: 8000 });
    const floor = recoveryFloorMs(def);
    assert.equal(floor, 4000);
    for (let i = 1; i < s.faults.length; i++) assert.equal(s.faults[i].startMs, s.faults[i - 1].endMs + floor, `flap ${i + 1}`);
    assert.equal(s.totalMs, s.faults[3].endMs + floor);
    // A schedule that already leaves room is not touched (scale 1: offsets are the jittered plan).
    const one = buildSchedule(def, { seed: 3 });
    one.faults.forEach((f, i) => assert.ok(Math.abs(f.startMs - 8000 * (i + 1)) <= 1000));
  });

  it('faults planned to overlap act together (no window between them); a definition that crowds its faults is rejected', () => {
    const both = catalog.find((e) => e.name === 'client-bandwidth')!;
    const s = buildSchedule(both, { seed: 1 });
    assert.deepEqual(s.faults.map((f) => [f.startMs, f.endMs]), [[10_000, 20_000], [10_000, 20_000]]);
    const crowded = { ...redisFlap, method: redisFlap.method.map((m, i) => ({ ...m, at: `${8 + 6 * i}s` })) };
    const problems = validateExperiment(crowded);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0], /^method\[1\]: may start 2000 ms after method\[0\] ends \(with jitter\), less than its recovery window of 4000 ms/);
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
      hypothesis: { thresholds: { 'no{pe': ['p(95)<1'], http_req_failed: ['rate<<1'] } },
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
    const stream = pointsFromSamples(samples);
    tagPoints(stream.points, [{ name: 'x', phase: 'fault:x', startMs: 1000, endMs: 1200 }]);
    const th = evaluateThresholds(stream, { 'http_req_failed{phase:baseline}': ['rate<0.01'], 'http_req_failed{phase:recovery}': ['rate<0.01'] });
    assert.deepEqual(th.map((t) => t.ok), [true, false]);
  });

  it('recovery ignores empty buckets after the load stopped; inside the window an empty bucket is bad only while a failing request hangs across it', () => {
    const samples = [] as Array<{ t: number; durationMs: number; status: number }>;
    // load ends at 2500, the analysis window at 3000
    for (let t = 0; t < 2500; t += 50) samples.push({ t, durationMs: 10, status: t >= 1000 && t < 1600 ? 503 : 202 });
    const window = [{ name: 'x', phase: 'fault:x', startMs: 1000, endMs: 1200 }];
    assert.equal(recoveryTimes(samples, window, { slo: 0.05, bucketMs: 100, endMs: 3000 })[0].recoveryMs, 400);
    // The load generator stalled after the errors (nothing offered 1600-2000): neutral, recovered at the first good bucket.
    const stalled = samples.filter((s) => !(s.t >= 1600 && s.t < 2000));
    assert.equal(recoveryTimes(stalled, window, { slo: 0.05, bucketMs: 100, endMs: 3000 })[0].recoveryMs, 800, 'the recovery point is a bucket with answers');
    const stallLater = samples.filter((s) => !(s.t >= 1800 && s.t < 2000));
    assert.equal(recoveryTimes(stallLater, window, { slo: 0.05, bucketMs: 100, endMs: 3000 })[0].recoveryMs, 400, 'a stall after recovery does not undo it');
    // The target hung instead: requests sent 1600-2000 all time out at 2100 (in flight across the silent buckets).
    const hung = stallLater.concat([1800, 1850, 1900, 1950].map((t) => ({ t, durationMs: 2100 - t, status: 0 })));
    assert.equal(recoveryTimes(hung, window, { slo: 0.05, bucketMs: 100, endMs: 3000 })[0].recoveryMs, 1000, 'recovered only after the hang ended');
    // ...and a hang that ends after the window still marks the silent buckets it spanned.
    const hungLong = stallLater.concat([{ t: 1750, durationMs: 5000, status: 0 }]);
    assert.equal(recoveryTimes(hungLong, window, { slo: 0.05, bucketMs: 100, endMs: 3000 })[0].recoveryMs, 800);
  });

  it('evaluates thresholds on any metric of the k6 stream, with multi-tag selectors, k6 aggregations and a note for absent metrics', () => {
    const pt = (metric: string, time: number, value: number, tags: Record<string, string>) => ({ metric, time, value, tags });
    const stream = {
      types: new Map([['ingest_errors', 'rate'], ['ingest_accepted', 'counter'], ['http_reqs', 'counter']]),
      points: [
        pt('ingest_errors', 10, 0, { phase: 'baseline' }),
        pt('ingest_errors', 20, 1, { phase: 'fault:gateway-redis-latency' }),
        pt('ingest_errors', 30, 0, { phase: 'fault:gateway-redis-latency' }),
        pt('ingest_accepted', 10, 1, { phase: 'baseline' }),
        pt('ingest_accepted', 12, 1, { phase: 'baseline' }),
        pt('http_reqs', 10, 1, { phase: 'baseline', status: '202' }),
        pt('http_reqs', 20, 1, { phase: 'baseline', status: '503' }),
      ],
    };
    const r = evaluateThresholds(stream, {
      'ingest_errors{phase:fault:gateway-redis-latency}': ['rate==0.5'],
      'ingest_errors{phase:baseline}': ['rate==0'],
      'ingest_accepted{phase:baseline}': ['count==2'],
      'http_reqs{phase:baseline,status:503}': ['count==1'],
      'accepted{phase:baseline}': ['rate==0.5'],
      ingest_errrors: ['rate<1'],
    });
    assert.deepEqual(r.map((x) => x.ok), [true, true, true, true, true, false]);
    assert.match(r[5].threshold, /not in the load's samples/);
  });

  it('maps a k6 JSON stream to samples and tags every Point by its own time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-stream-'));
    try {
      const epoch = Date.parse('2025-01-01T00:00:00.000Z');
      const at = (ms: number) => new Date(epoch + ms).toISOString().replace('Z', '123Z'); // k6 prints ns
      const lines = [
        { type: 'Metric', data: { name: 'http_req_duration', type: 'trend' }, metric: 'http_req_duration' },
        { metric: 'http_req_duration', type: 'Point', data: { time: at(500), value: 5, tags: { status: '202' } } },
        { metric: 'http_req_duration', type: 'Point', data: { time: at(1500), value: 300, tags: { status: '0', error_code: '1211' } } },
        { metric: 'checks', type: 'Point', data: { time: at(2500), value: 1, tags: {} } },
      ];
      writeFileSync(join(dir, 'k6.ndjson'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"cut');
      const stream = await readK6Stream(join(dir, 'k6.ndjson'), (e) => e - epoch);
      // the sub-millisecond digits survive the reader (123 µs past each millisecond here)
      assert.deepEqual(samplesFromPoints(stream.points).map((s) => ({ ...s, t: Math.round(s.t * 1000) / 1000 })), [
        { t: 495.123, durationMs: 5, status: 202 },
        { t: 1200.123, durationMs: 300, status: 0, error: '1211' },
      ]);
      tagPoints(stream.points, [{ name: 'x', phase: 'fault:x', startMs: 1000, endMs: 2000 }]);
      assert.deepEqual(stream.points.map((p) => p.tags.phase), ['baseline', 'fault:x', 'recovery']);
      writeTaggedStream(join(dir, 'tagged.jsonl'), stream, (t) => epoch + t);
      const out = readFileSync(join(dir, 'tagged.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(out[0].type, 'Metric');
      assert.deepEqual(out[0], { type: 'Metric', data: { name: 'http_req_duration', type: 'trend', contains: 'default', thresholds: [], submetrics: null }, metric: 'http_req_duration' }, 'Metric lines are written back in full k6 form');
      assert.deepEqual({ ...out[2], data: { ...out[2].data, time: undefined } }, { metric: 'http_req_duration', type: 'Point', data: { time: undefined, value: 300, tags: { error_code: '1211', phase: 'fault:x', status: '0' } } });
      assert.ok(Math.abs(Date.parse(out[2].data.time) - (epoch + 1500)) < 1, out[2].data.time);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
