import assert from 'node:assert/strict';
import { CounterSink, GaugeSink, RateSink, TrendSink, invalidTrendStats, trendStat } from './sinks';

describe('metric sinks (k6 arithmetic)', () => {
  it('trend percentiles interpolate between closest ranks: i = p·(n−1)', () => {
    const t = new TrendSink();
    for (const v of [10, 1, 4, 3, 2]) t.add(v); // sorted: 1 2 3 4 10
    assert.equal(t.p(0.5), 3);
    assert.equal(t.p(0.9), 4 + (10 - 4) * 0.6000000000000001); // i = 3.6
    assert.equal(t.p(0.95), 4 + (10 - 4) * (0.95 * 4 - 3));
    assert.equal(t.p(1), 10);
    assert.equal(t.p(0), 1);
    assert.equal(t.avg(), 4);
    assert.equal(t.min(), 1);
    assert.equal(t.max(), 10);
    assert.equal(t.count(), 5);
    t.add(0); // adding after a sort keeps working
    assert.equal(t.min(), 0);
    assert.equal(t.p(0.5), 2.5);
  });

  it('trend: empty gives zeros, one value gives itself', () => {
    const t = new TrendSink();
    assert.deepEqual([t.min(), t.max(), t.avg(), t.med(), t.p(0.95)], [0, 0, 0, 0, 0]);
    assert.equal(t.isEmpty(), true);
    t.add(7.5);
    assert.deepEqual([t.min(), t.max(), t.avg(), t.med(), t.p(0.95)], [7.5, 7.5, 7.5, 7.5, 7.5]);
  });

  it('trend storage grows without losing values (compact Float64 array)', () => {
    const t = new TrendSink();
    for (let i = 0; i < 10_000; i++) t.add(10_000 - i);
    assert.equal(t.count(), 10_000);
    assert.equal(t.p(0.5), 5000.5);
    assert.ok(t.byteLength() >= 80_000 && t.byteLength() <= 2 * 80_000 + 1024);
  });

  it('trend stats resolve summaryTrendStats columns; invalid ones are reported', () => {
    const t = new TrendSink();
    for (const v of [1, 2, 3, 4]) t.add(v);
    assert.equal(trendStat(t, 'count'), 4);
    assert.equal(trendStat(t, 'p(99.9)'), 3 + (4 - 3) * ((99.9 / 100) * 3 - 2)); // k6 divides by 100 too
    assert.deepEqual(invalidTrendStats(['avg', 'p(90)', 'p(100)', 'count', 'p(101)', 'mean', 'p()']), ['p(101)', 'mean', 'p()']);
  });

  it('gauge keeps last, min, and a max that starts at 0 (k6 quirk)', () => {
    const g = new GaugeSink();
    assert.equal(g.isEmpty(), true);
    g.add(-5);
    g.add(-2);
    assert.deepEqual([g.value, g.min, g.max], [-2, -5, 0]);
  });

  it('rate counts non-zero values as passes; counter sums', () => {
    const r = new RateSink();
    for (const v of [1, 0, 2, 0]) r.add(v);
    assert.deepEqual([r.trues, r.total, r.rate()], [2, 4, 0.5]);
    assert.equal(new RateSink().rate(), 0);
    const c = new CounterSink();
    assert.equal(c.isEmpty(), true);
    c.add(0);
    assert.equal(c.isEmpty(), false); // a zero still counts as observed
    c.add(2.5);
    assert.equal(c.value, 2.5);
  });
});
