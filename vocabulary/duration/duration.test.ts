import assert from 'node:assert/strict';
import { durationMs, formatDuration, formatFixedDuration, parseDuration, positiveDurationMs } from './index';

describe('vocabulary/duration: k6 ParseExtendedDuration', () => {
  const ok: [unknown, number][] = [
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['1.5h', 5_400_000],
    ['1h', 3_600_000],
    ['10us', 0.01],
    ['300µs', 0.3],
    ['-2s', -2000],
    ['2d', 172_800_000],
    ['1d12h', 129_600_000],
    ['-1d12h', -129_600_000],
    // a bare number is milliseconds, in a string (CLI, env, config) as in a JSON number
    [250, 250],
    ['250', 250],
    ['90', 90],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['0', 0],
  ];
  for (const [input, ms] of ok) it(`parses ${JSON.stringify(input)} as ${ms} ms`, () => assert.deepEqual(parseDuration(input), { ok: true, ms }));
  for (const bad of ['abc', '1x', '', '5 s', '1.5d', '1h2d', '1d-2h', 's', '5s5', {}, null, Number.NaN]) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(parseDuration(bad).ok, false));
  }
  it('quotes the input in its error', () => {
    assert.throws(() => durationMs('soon'), /invalid duration "soon": expected e\.g\. "30s"/);
  });
  it('positiveDurationMs rejects zero and negatives', () => {
    assert.equal(positiveDurationMs('0s'), undefined);
    assert.equal(positiveDurationMs('-1s'), undefined);
    assert.equal(positiveDurationMs('90'), 90);
  });

  const fmt: [number, string][] = [
    [0, '0s'], [0.0005, '500ns'], [0.0015, '1.5µs'], [1.5, '1.5ms'], [300, '300ms'], [500, '500ms'], [1000, '1s'], [1500, '1.5s'],
    [2500, '2.5s'], [30_000, '30s'], [600_000, '10m0s'], [630_000, '10m30s'], [3_600_000, '1h0m0s'], [5_400_000, '1h30m0s'],
    [5_430_500, '1h30m30.5s'], [-1500, '-1.5s'],
  ];
  for (const [ms, s] of fmt) it(`formats ${ms} ms as Go does: ${s}`, () => assert.equal(formatDuration(ms), s));
  for (const [ms] of fmt) it(`reads back its own text for ${ms} ms`, () => assert.equal(durationMs(formatDuration(ms)), ms));

  const fixed: [number, number, string][] = [
    [1000, 2000, '1.0s'],
    [300, 600_000, '00m00.3s'],
    [1000, 630_000, '00m01.0s'],
    [15_000, 30_000, '15.0s'],
    [5_000, 30_000, '05.0s'],
    [65_000, 90_000, '1m05.0s'],
  ];
  for (const [d, max, s] of fixed) it(`fixed-length ${d}/${max} -> ${s}`, () => assert.equal(formatFixedDuration(d, max), s));
});
