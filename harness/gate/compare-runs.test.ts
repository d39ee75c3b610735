import assert from 'node:assert/strict';
import { compareRuns, DEFAULT_TOLERANCES } from './compare-runs';
import type { RunProfile, SeriesProfile } from './run-profile';

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
  const trend: SeriesProfile = { metric: 'http_req_duration', kind: 'trend', tags: {}, count: total, sum: 0, min: 0, max: 1e9, seconds: { count: counts, sum: counts, p: { p50: p95, p95, p99: p95 } } };
  const reqs: SeriesProfile = { metric: 'http_reqs', kind: 'counter', tags: {}, count: total, sum: total, min: 1, max: 1, seconds: { count: counts, sum: counts } };
  const failed: SeriesProfile = { metric: 'http_req_failed', kind: 'rate', tags: {}, count: total, sum: 0, min: 0, max: 1, hits: Math.round(total * (o.failRate ?? 0)), seconds: { count: counts, sum: counts } };
  const series = [trend, reqs, failed];
  if (o.checks !== false) series.push({ metric: 'checks', kind: 'rate', tags: { check: 'status is 202' }, count: total, sum: total, min: 1, max: 1, hits: total, seconds: { count: counts, sum: counts } });
  return { version: 1, runId: id, environment: {}, seconds: n, series };
}

const verdictOf = (r: ReturnType<typeof compareRuns>, statistic: string) => r.rows.find((x) => x.statistic === statistic)?.verdict;

describe('compareRuns (synthetic runs, known answers)', () => {
  const base = [run('b1', { p95: 10, seed: 1 }), run('b2', { p95: 10, seed: 2 }), run('b3', { p95: 10, seed: 3 })];

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

  it('+5% is within the 10% tolerance; a noisy baseline widens the tolerance', () => {
    assert.equal(verdictOf(compareRuns(run('c', { p95: 10.5, seed: 6 }), base), 'http_req_duration p95'), 'unchanged');
    const noisy = [run('n1', { p95: 8, seed: 1 }), run('n2', { p95: 10, seed: 2 }), run('n3', { p95: 12, seed: 3 })];
    const r = compareRuns(run('c', { p95: 12, seed: 7 }), noisy);
    const row = r.rows.find((x) => x.statistic === 'http_req_duration p95')!;
    assert.ok(row.tolerance > 0.4, `tolerance ${row.tolerance}`); // 0.10 + 2 x 20% between-run spread
    assert.equal(row.verdict, 'unchanged');
    // the same +20% against a quiet baseline is caught
    assert.equal(verdictOf(compareRuns(run('c', { p95: 12, seed: 7 }), base), 'http_req_duration p95'), 'regressed');
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
