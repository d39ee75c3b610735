import assert from 'node:assert/strict';
import { equalSegments, ExecutionTuple, stripedIndices } from '../../../vocabulary';
import { findRealK6, requireRealTool, type RealTool } from '../../testing/real-tools';
import { runScriptWithK6 } from './run-real-k6';
import { runScript, type ScriptRun } from './run-script';

/**
 * `--execution-segment` / `--execution-segment-sequence` in the built-in engine (segments.js: one
 * scenario per executor, no network). Per scenario and segment: how many iterations ran, which
 * test-wide iteration numbers (exec.scenario.iterationInTest) and which test-wide VU ids
 * (exec.vu.idInTest) the segment got. The built-in part always runs; the side-by-side part needs
 * real k6 v0.48 and is skipped, saying why, without it.
 */
interface ScenarioProfile {
  count: number;
  iters: number[];
  vus: number[];
}
type Profile = Record<string, ScenarioProfile>;

const SEQUENCE = equalSegments(3);
/** Scenarios whose counts follow the clock (looping for a duration): compare the VUs, not the counts. */
const LOOPING = new Set(['constvus', 'ramping']);
/** Arrival-rate scenarios: the tick nearest the end may land either side of it on a loaded machine. */
const ARRIVAL = new Set(['constrate', 'ramprate']);

function profile(r: ScriptRun): Profile {
  const p: Profile = {};
  for (const s of r.samples) {
    if (s.metric !== 'seg_iter') continue;
    const sc = (p[s.tags.scenario] ??= { count: 0, iters: [], vus: [] });
    sc.count++;
    if (s.tags.iter !== 'loop') sc.iters.push(Number(s.tags.iter));
    if (!sc.vus.includes(Number(s.tags.vu))) sc.vus.push(Number(s.tags.vu));
  }
  for (const sc of Object.values(p)) {
    sc.iters.sort((a, b) => a - b);
    sc.vus.sort((a, b) => a - b);
  }
  return p;
}

const segmentFlags = (seg: string) => ['--execution-segment', seg, '--execution-segment-sequence', SEQUENCE.sequence];

describe('execution segments: the built-in engine partitions every executor like k6', function () {
  this.timeout(120_000);

  it('three segments together run exactly the unsegmented test: iterations and VU ids split, none twice', async () => {
    const runs = await Promise.all(SEQUENCE.segments.map((seg) => runScript('segments.js', { flags: segmentFlags(seg) })));
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const profiles = runs.map(profile);
    const total = (sc: string) => profiles.reduce((a, p) => a + (p[sc]?.count ?? 0), 0);
    assert.equal(total('shared'), 13);
    assert.equal(total('pervu'), 10);
    for (const sc of ['shared', 'constrate', 'ramprate']) {
      const all = profiles.flatMap((p) => p[sc]?.iters ?? []).sort((a, b) => a - b);
      assert.deepEqual(all, [...all.keys()], `${sc}: iterationInTest over the segments is 0..n-1 once each`);
    }
    assert.ok(Math.abs(total('constrate') - 21) <= 1 && Math.abs(total('ramprate') - 34) <= 1, `arrival rates: ${total('constrate')}, ${total('ramprate')}`);
    // VU ids (a VU serves several scenarios): each segment's ids are its own stripe of 1..max
    const vuSets = profiles.map((p) => new Set(Object.values(p).flatMap((s) => s.vus)));
    const union = vuSets.flatMap((s) => [...s]).sort((a, b) => a - b);
    assert.deepEqual(union, [...new Set(union)], 'no VU id in two segments');
    // the segment banner shows the share
    assert.match(runs[0].stdout, /scenarios: \(33\.33%\) 6 scenarios, /);
  });

  it('a scenario with no work in its segment is left out, with k6\'s warning', async () => {
    const r = await runScript('segments.js', { flags: ['--execution-segment', '0:1/10', '--vus', '1', '--iterations', '1'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.count('iterations'), 0);
    assert.match(r.stderr + r.stdout, /Executor 'default' is disabled for segment 0:1\/10 due to lack of work!/);
  });

  it('rejects a segment outside the sequence (exit 104)', async () => {
    const r = await runScript('segments.js', { flags: ['--execution-segment', '0:1/4', '--execution-segment-sequence', '0,1/3,1'] });
    assert.equal(r.code, 104);
    assert.match(r.stderr, /couldn't find segment 0:1\/4 in sequence 0,1\/3,1/);
  });

  describe('side by side with real k6 v0.48', () => {
    let k6: RealTool;
    before(function () {
      k6 = requireRealTool(this, findRealK6());
    });

    for (const seg of [...SEQUENCE.segments, '1/2:1']) {
      it(`segment ${seg}: the same banner, iterations, iteration numbers and VU ids per scenario`, async () => {
        const flags = seg === '1/2:1' ? ['--execution-segment', seg] : segmentFlags(seg);
        const real = await runScriptWithK6(k6.path, 'segments.js', { flags });
        const builtin = await runScript('segments.js', { flags });
        assert.equal(builtin.code, real.code, `exit code; real stderr: ${real.stderr}`);
        const a = profile(real);
        const b = profile(builtin);
        const label = `\n  real k6:  ${JSON.stringify(a)}\n  built-in: ${JSON.stringify(b)}`;
        assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort(), `scenarios${label}`);
        // the banner: the segment's share, its max VUs and each scenario's scaled description
        const banner = (out: string) => /  scenarios: [\s\S]*?\n\n/.exec(out)?.[0];
        assert.equal(banner(builtin.stdout), banner(real.stdout));
        // which of its VUs serves which scenario is up to each engine's VU buffer, and how many VUs
        // of an iteration-count or arrival-rate scenario get an iteration depends on timing: compare
        // how many VUs the looping scenarios ran, and that every id is one of the segment's own
        // (its stripe of the test's VU ids)
        const tuple = seg === '1/2:1' ? ExecutionTuple.parse(seg, undefined) : ExecutionTuple.parse(seg, SEQUENCE.sequence);
        const ids = stripedIndices(tuple);
        const stripe = new Set(Array.from({ length: 64 }, () => ids.next().value + 1));
        for (const sc of Object.keys(a)) {
          if (LOOPING.has(sc)) assert.equal(b[sc].vus.length, a[sc].vus.length, `${sc}: VUs${label}`);
          for (const id of [...a[sc].vus, ...b[sc].vus]) assert.ok(stripe.has(id), `${sc}: VU id ${id} is not in segment ${seg}${label}`);
          if (LOOPING.has(sc)) continue;
          if (ARRIVAL.has(sc)) {
            const diff = [...a[sc].iters.filter((i) => !b[sc].iters.includes(i)), ...b[sc].iters.filter((i) => !a[sc].iters.includes(i))];
            assert.ok(diff.length <= 1, `${sc}: iteration numbers differ by more than the last tick: ${diff}${label}`);
            continue;
          }
          assert.equal(b[sc].count, a[sc].count, `${sc}: iterations${label}`);
          assert.deepEqual(b[sc].iters, a[sc].iters, `${sc}: iterationInTest${label}`);
        }
      });
    }
  });
});
