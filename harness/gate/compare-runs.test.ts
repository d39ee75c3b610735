import assert from 'node:assert/strict';
import { compareRuns, DEFAULT_TOLERANCES } from './compare-runs';
import type { RunProfile, SeriesProfile } from './run-profile';
import { renderGateTable } from './render-gate';

/** Deterministic "noise": a fixed LCG, so every expected verdict is known. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** A run of `n` seconds: p95 per second around `p95` (±jitter), `rps` requests/s, `failRate` failed. */
function run(id: string, o: { p95: number; jitter?: number; rps?: number; failRate?: number; seed?: number; n?: number; checks?: boolean }): RunProfile {
  const n = o.n ?? 30;
  const rnd = noise(o.seed ?? 1);
  const p95 = Array.from({ length: n }, () => o.p95 * (1 + (o.jitter ?? 0.05) * 2 * rnd()));
  const rps = o.rps ?? 100;
  const counts = Array.from({ length: n }, () => rps);
  const total = rps * n;
  const trend: SeriesProfile = { metric: 'http_req_duration', kind: 'trend', tags: {}, count: total, sum: 0, min: 0, max: 1e9, seconds: { count: counts, sum: counts, p: { p10: p95, p50: p95, p95, p99: p95 } } };
  const reqs: SeriesProfile = { metric: 'http_reqs', kind: 'counter', tags: {}, count: total, sum: total, min: 1, max: 1, seconds: { count: counts, sum: counts } };
  const failed: SeriesProfile = { metric: 'http_req_failed', kind: 'rate', tags: {}, count: total, sum: 0, min: 0, max: 1, hits: Math.round(total * (o.failRate ?? 0)), seconds: { count: counts, sum: counts } };
  const series = [trend, reqs, failed];
  if (o.checks !== false) series.push({ metric: 'checks', kind: 'rate', tags: { check: 'status is 202' }, count: total, sum: total, min: 1, max: 1, hits: total, seconds: { count: counts, sum: counts } });
  return { version: 1, runId: id, environment: {}, seconds: n, series };
}

const verdictOf = (r: ReturnType<typeof compareRuns>, statistic: string) => r.rows.find((x) => x.statistic === statistic)?.verdict;

describe('compareRuns (synthetic runs, known answers)', () => {
  const base = [run('b1', { p95: 10, seed: 1 }), run('b2', { p95: 10, seed: 2 }), run('b3', { p95: 10, seed: 3 })];

  it('warns when the run was made differently from the baseline (runners, engine, runtime, machine), not otherwise', () => {
    const env = (e: Record<string, unknown>) => (p: RunProfile): RunProfile => ({ ...p, environment: e });
    const same = { scenario: 'smoke', engine: 'builtin', runtime: 'local', runners: 1, machine: 'm1' };
    const b = base.map(env(same));
    assert.deepEqual(compareRuns(env(same)(run('c', { p95: 10, seed: 4 })), b).warnings, []);
    // a baseline saved before `runners` was recorded counts as one runner
    assert.deepEqual(compareRuns(env(same)(run('c', { p95: 10, seed: 4 })), base.map(env({ ...same, runners: undefined }))).warnings, []);
    const w = compareRuns(env({ ...same, runners: 2, machine: 'm2' })(run('c', { p95: 10, seed: 4 })), b).warnings!;
    assert.deepEqual(
      w.map((x) => x.replace(/: the gate compares unlike with like.*/, '')),
      ['runners differs: this run 2, the baseline 1', 'machine differs: this run "m2", the baseline "m1"'],
    );
    const table = renderGateTable(compareRuns(env({ ...same, runners: 2 })(run('c', { p95: 10, seed: 4 })), b));
    assert.match(table, /^warning: runners differs: this run 2, the baseline 1: the gate compares unlike with like/);
  });

  it('an identical configuration is unchanged everywhere', () => {
    const r = compareRuns(run('c', { p95: 10, seed: 4 }), base);
    assert.deepEqual(
      r.rows.map((x) => x.verdict),
      r.rows.map(() => 'unchanged'),
    );
    assert.equal(r.regressed + r.missing, 0);
  });

  it('+30% p95 is a regression with effect size and confidence; -30% an improvement', () => {
    const up = compareRuns(run('c', { p95: 13, seed: 5 }), base);
    const row = up.rows.find((x) => x.statistic === 'http_req_duration p95')!;
    assert.equal(row.verdict, 'regressed');
    assert.ok(Math.abs(row.change - 0.3) < 0.05, `change ${row.change}`);
    assert.ok(row.effectSize > 0.9, `Cliff's delta ${row.effectSize}`);
    assert.ok(row.confidence > 0.99);
    assert.equal(verdictOf(compareRuns(run('c', { p95: 7, seed: 5 }), base), 'http_req_duration p95'), 'improved');
  });

  it('on a busier machine (processes waited > busyMachineFactor x the baseline\'s most for a CPU) a risen p50+ is inconclusive, p10 still judges', () => {
    const withContention = (p: RunProfile, contention: number | undefined): RunProfile => ({ ...p, environment: contention === undefined ? {} : { contention } });
    const b = base.map((r, i) => withContention(r, [0.4, 0.5, 0.6][i]));
    const slower = run('c', { p95: 13, seed: 5 }); // every percentile +30% (the helper moves them together)
    const busy = compareRuns(withContention(slower, 1.0), b);
    assert.equal(verdictOf(busy, 'http_req_duration p95'), 'inconclusive');
    assert.equal(verdictOf(busy, 'http_req_duration p10'), 'regressed');
    assert.equal(busy.regressed, 1);
    assert.equal(busy.inconclusive, 1);
    assert.match(busy.rows.find((x) => x.statistic === 'http_req_duration p95')!.note!, /rose on a busier machine \(its processes waited 1\.00 ms for a CPU per ms they ran, the baseline runs 0\.40-0\.60/);
    assert.match(busy.warnings!.at(-1)!, /^the machine was busier than for the baseline: .*1 percentile row\(s\) from p50 up that rose are inconclusive/);
    assert.match(renderGateTable(busy), /1 regressed, 0 missing, 0 improved, 1 inconclusive, \d+ unchanged/);
    // at most 1.5x the busiest baseline run, without the figure on either side, or with the factor 0: judged as usual
    assert.equal(verdictOf(compareRuns(withContention(slower, 0.85), b), 'http_req_duration p95'), 'regressed');
    assert.equal(verdictOf(compareRuns(withContention(slower, 1.0), base), 'http_req_duration p95'), 'regressed');
    assert.equal(verdictOf(compareRuns(withContention(slower, undefined), b), 'http_req_duration p95'), 'regressed');
    assert.equal(verdictOf(compareRuns(withContention(slower, 1.0), b, { ...DEFAULT_TOLERANCES, busyMachineFactor: 0 }), 'http_req_duration p95'), 'regressed');
    // a quieter machine excuses nothing, and an improvement stays one
    assert.equal(verdictOf(compareRuns(withContention(run('c', { p95: 7, seed: 5 }), 1.0), b), 'http_req_duration p95'), 'improved');
  });

  it('+5% is within the 10% tolerance; against a noisy baseline +20% is not significant', () => {
    assert.equal(verdictOf(compareRuns(run('c', { p95: 10.5, seed: 6 }), base), 'http_req_duration p95'), 'unchanged');
    // three runs whose p95 spread ~20%: a new run 20% above their mean is what they predict (t = 0.85, df 2)
    const noisy = [run('n1', { p95: 8, seed: 1 }), run('n2', { p95: 10, seed: 2 }), run('n3', { p95: 12, seed: 3 })];
    const row = compareRuns(run('c', { p95: 12, seed: 7 }), noisy).rows.find((x) => x.statistic === 'http_req_duration p95')!;
    assert.equal(row.test, 'between-runs-t');
    assert.equal(row.tolerance, DEFAULT_TOLERANCES.latencyTolerance);
    assert.equal(row.verdict, 'unchanged');
    assert.match(row.note ?? '', /beyond tolerance but not significant/);
    assert.ok(row.confidence > 0.6 && row.confidence < 0.9, `confidence ${row.confidence}`);
    // the same +20% against a quiet baseline is caught
    assert.equal(verdictOf(compareRuns(run('c', { p95: 12, seed: 7 }), base), 'http_req_duration p95'), 'regressed');
  });

  it('a large change that the baseline runs\' spread explains is not a regression; a small one they rule out is (above the tolerance)', () => {
    // quiet runs (±0.2% jitter inside each run, 9.9..10.1 between them): +12% is far outside their spread
    const quiet = [run('q1', { p95: 9.9, jitter: 0.002, seed: 1 }), run('q2', { p95: 10, jitter: 0.002, seed: 2 }), run('q3', { p95: 10.1, jitter: 0.002, seed: 3 })];
    const up = compareRuns(run('c', { p95: 11.2, jitter: 0.002, seed: 4 }), quiet).rows.find((x) => x.statistic === 'http_req_duration p95')!;
    assert.equal(up.verdict, 'regressed');
    assert.ok(up.confidence > 0.99, `confidence ${up.confidence}`);
    // +8% is also outside the spread but under the 10% tolerance: a change too small to matter
    assert.equal(verdictOf(compareRuns(run('c', { p95: 10.8, jitter: 0.002, seed: 4 }), quiet), 'http_req_duration p95'), 'unchanged');
    // runs spread 7..14 (a loaded machine): +40% is within what a new run of the same code gives
    const loaded = [run('l1', { p95: 7, seed: 1 }), run('l2', { p95: 10, seed: 2 }), run('l3', { p95: 14, seed: 3 }), run('l4', { p95: 9, seed: 4 })];
    assert.equal(verdictOf(compareRuns(run('c', { p95: 13.5, seed: 5 }), loaded), 'http_req_duration p95'), 'unchanged');
  });

  it('with fewer than 3 baseline runs: the per-second window test and the tolerance widened by noiseFactor x spread', () => {
    const two = [run('t1', { p95: 9, seed: 1 }), run('t2', { p95: 11, seed: 2 })];
    const row = compareRuns(run('c', { p95: 12, seed: 7 }), two).rows.find((x) => x.statistic === 'http_req_duration p95')!;
    assert.equal(row.test, 'mann-whitney-u');
    assert.ok(Math.abs(row.tolerance - (0.1 + 2 * (Math.SQRT2 / 10))) < 0.01, `tolerance ${row.tolerance}`); // spread of 9 and 11 ≈ 14%
    assert.equal(row.verdict, 'unchanged');
    assert.equal(verdictOf(compareRuns(run('c', { p95: 15, seed: 7 }), two), 'http_req_duration p95'), 'regressed');
  });

  it('the percentiles of a series are one family: each is tested at alpha / their number', () => {
    // three runs at 10·e^{0, 0.1, -0.1} (log sd 0.1); 10·e^0.3834 is t = 3.32 with 2 df: one-sided p = 0.040
    const runs = [0, 0.1, -0.1].map((l, i) => run(`f${i}`, { p95: 10 * Math.exp(l), jitter: 0, seed: i }));
    const cand = run('c', { p95: 10 * Math.exp(0.3834), jitter: 0, seed: 9 });
    const one = compareRuns(cand, runs, { ...DEFAULT_TOLERANCES, percentiles: [95] }).rows.find((x) => x.statistic === 'http_req_duration p95')!;
    assert.ok(Math.abs(1 - one.confidence - 0.04) < 0.002, `p ${1 - one.confidence}`);
    assert.equal(one.verdict, 'regressed'); // 0.040 < 0.05
    const two = compareRuns(cand, runs, { ...DEFAULT_TOLERANCES, percentiles: [10, 95] }).rows.find((x) => x.statistic === 'http_req_duration p95')!;
    assert.equal(two.verdict, 'unchanged'); // 0.040 > 0.05 / 2
  });

  it('error rate, throughput and a missing check', () => {
    const r = compareRuns(run('c', { p95: 10, seed: 8, failRate: 0.05, rps: 70, checks: false }), base);
    assert.equal(verdictOf(r, 'http_req_failed rate'), 'regressed');
    assert.equal(verdictOf(r, 'http_reqs per second'), 'regressed');
    assert.equal(verdictOf(r, 'checks failure rate'), 'missing');
    assert.equal(r.missing, 1);
    // 0.5% more errors is inside the one-point tolerance
    assert.equal(verdictOf(compareRuns(run('c', { p95: 10, seed: 8, failRate: 0.005 }), base), 'http_req_failed rate'), 'unchanged');
  });

  it('too few windows: no test, the tolerance alone decides (said in a note)', () => {
    const r = compareRuns(run('c', { p95: 30, n: 3 }), [run('b', { p95: 10, n: 3 })], DEFAULT_TOLERANCES);
    const row = r.rows.find((x) => x.statistic === 'http_req_duration p95')!;
    assert.equal(row.verdict, 'regressed');
    assert.equal(row.test, 'none');
    assert.match(row.note ?? '', /fewer than 5/);
    assert.equal(verdictOf(compareRuns(run('c', { p95: 10.5, n: 3 }), [run('b', { p95: 10, n: 3 })]), 'http_req_duration p95'), 'unchanged');
    // a sparse check (tagged series) is only reported
    const sparse = compareRuns(run('c', { p95: 10, n: 3, failRate: 0 }), [run('b', { p95: 10, n: 3 })]);
    assert.ok(sparse.rows.every((x) => x.verdict === 'unchanged'));
  });
});
