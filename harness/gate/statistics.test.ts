import assert from 'node:assert/strict';
import { mannWhitneyU, median, normalCdf, relativeSpread, twoProportionZ } from './statistics';

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

  it('median and relative spread', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(relativeSpread([10]), 0);
    assert.equal(relativeSpread([10, 10, 10]), 0);
    close(relativeSpread([9, 11]), Math.SQRT2 / 10, 1e-12, 'cv');
  });
});
