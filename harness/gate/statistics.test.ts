import assert from 'node:assert/strict';
import { betweenRunsTest, mannWhitneyU, median, normalCdf, relativeSpread, studentTCdf, twoProportionZ } from './statistics';

const close = (a: number, b: number, eps: number, what: string) => assert.ok(Math.abs(a - b) <= eps, `${what}: ${a} not within ${eps} of ${b}`);

describe('gate statistics', () => {
  it('normalCdf matches the table', () => {
    for (const [z, p] of [
      [0, 0.5],
      [1.96, 0.975],
      [-1.96, 0.025],
      [1.6449, 0.95],
      [3, 0.99865],
    ] as const)
      close(normalCdf(z), p, 1e-4, `Phi(${z})`);
  });

  it('Mann-Whitney U: the textbook example (U=17 of 20, scipy asymptotic one-sided p=0.0557)', () => {
    const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    assert.equal(r.u, 17);
    close(r.delta, 2 * 17 / 20 - 1, 1e-12, 'delta');
    close(r.pGreater, 0.0557, 5e-4, 'pGreater');
    assert.ok(r.pLess > 0.9);
  });

  it('Mann-Whitney U: complete separation, ties, identical samples', () => {
    const sep = mannWhitneyU([4, 5, 6], [1, 2, 3]);
    assert.equal(sep.u, 9);
    assert.equal(sep.delta, 1);
    close(sep.pGreater, 0.0404, 5e-4, 'n=3 separated'); // z = (9 - 4.5 - 0.5) / sqrt(5.25)
    const same = mannWhitneyU([1, 2, 3, 4], [1, 2, 3, 4]);
    assert.equal(same.delta, 0);
    assert.ok(same.pGreater > 0.5 && same.pLess > 0.5);
    const allTied = mannWhitneyU([7, 7, 7], [7, 7, 7]);
    assert.equal(allTied.pGreater, 1);
    assert.equal(allTied.pLess, 1);
    const down = mannWhitneyU([1, 2, 3, 4, 5, 6, 7, 8], [11, 12, 13, 14, 15, 16, 17, 18]);
    assert.equal(down.delta, -1);
    assert.ok(down.pLess < 0.001 && down.pGreater > 0.99);
  });

  it('Mann-Whitney U: a shift of one outlier second moves it by one rank only', () => {
    const base = Array.from({ length: 30 }, (_, i) => 10 + (i % 5));
    const cand = [...base.slice(1), 5000];
    assert.ok(mannWhitneyU(cand, base).pGreater > 0.05);
  });

  it('two-proportion z: 5.0% vs 3.0% of 1000 (z=2.282, p=0.0112)', () => {
    const r = twoProportionZ(50, 1000, 30, 1000);
    close(r.diff, 0.02, 1e-12, 'diff');
    close(r.z, 2.282, 1e-3, 'z');
    close(r.pGreater, 0.0112, 3e-4, 'p');
    assert.deepEqual(twoProportionZ(0, 100, 0, 100).pGreater, 1);
    assert.equal(twoProportionZ(5, 100, 0, 100).pGreater > 0, true);
  });

  it("Student's t CDF matches the table and the closed forms", () => {
    for (const [t, df, p] of [
      [0, 4, 0.5],
      [2.1318, 4, 0.95], // t(0.95; 4)
      [2.7764, 4, 0.975],
      [3.7469, 4, 0.99],
      [1.8125, 10, 0.95],
      [-1.8125, 10, 0.05],
      [2.0423, 30, 0.975],
      [1.96, 1e6, 0.975], // -> the normal
    ] as const)
      close(studentTCdf(t, df), p, 2e-5, `T(${t}; ${df})`);
    for (const t of [-3, -0.5, 1, 6.3138]) close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-10, `Cauchy(${t})`); // df 1
    for (const t of [-2, 0.7, 1.7320508]) close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-10, `df 2 (${t})`);
  });

  it('between-runs test: a prediction t on logs (known answer, df 2)', () => {
    // baseline logs 0, 0.1, -0.1: mean 0, sd 0.1; candidate log 0.2: t = 0.2 / (0.1 * sqrt(4/3)) = sqrt(3)
    const r = betweenRunsTest(Math.exp(0.2), [1, Math.exp(0.1), Math.exp(-0.1)]);
    close(r.logMean, 0, 1e-12, 'mean');
    close(r.logSd, 0.1, 1e-12, 'sd');
    close(r.t, Math.sqrt(3), 1e-9, 't');
    assert.equal(r.df, 2);
    close(r.pGreater, 0.5 - Math.sqrt(3) / (2 * Math.sqrt(5)), 1e-9, 'p'); // 0.1127
    close(r.pGreater + r.pLess, 1, 1e-12, 'sum');
    // scale-free: the same runs in other units give the same answer
    const scaled = betweenRunsTest(20 * Math.exp(0.2), [20, 20 * Math.exp(0.1), 20 * Math.exp(-0.1)]);
    close(scaled.pGreater, r.pGreater, 1e-12, 'scaled');
  });

  it('between-runs test: identical runs, too few runs, non-positive values', () => {
    const flat = betweenRunsTest(11, [10, 10, 10]);
    assert.equal(flat.pGreater, 0);
    assert.equal(flat.pLess, 1);
    assert.equal(betweenRunsTest(10, [10, 10, 10]).pGreater, 1);
    assert.equal(betweenRunsTest(12, [10]).pGreater, 1); // one run: no spread, no evidence
    assert.equal(betweenRunsTest(0, [10, 11, 12]).pGreater, 1);
    assert.equal(betweenRunsTest(12, [10, 0, 11, 12]).df, 2); // the zero is dropped
    // five runs spread ~10%: a run 30% above is beyond t(0.95; 4), one 10% above is not
    const runs = [9, 9.5, 10, 10.5, 11.2];
    assert.ok(betweenRunsTest(13, runs).pGreater < 0.05);
    assert.ok(betweenRunsTest(11, runs).pGreater > 0.05);
  });

  it('median and relative spread', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(relativeSpread([10]), 0);
    assert.equal(relativeSpread([10, 10, 10]), 0);
    close(relativeSpread([9, 11]), Math.SQRT2 / 10, 1e-12, 'cv');
  });
});
