import assert from 'node:assert/strict';
import { goFloat, goJsonString, parseRfc3339, rfc3339Nano } from './go-format';

describe('Go formatting', () => {
  it('formats floats as strconv.FormatFloat(v, g, -1, 64)', () => {
    const table: Array<[number, string]> = [
      [0, '0'], [1, '1'], [52, '52'], [6.872477, '6.872477'], [0.010295, '0.010295'], [999999, '999999'],
      [1e6, '1e+06'], [1262729.896, '1.262729896e+06'], [1e21, '1e+21'], [0.0001, '0.0001'], [0.00005, '5e-05'],
      [1.5e-7, '1.5e-07'], [-0.00001234, '-1.234e-05'], [123456.5, '123456.5'], [-3, '-3'], [1e100, '1e+100'],
    ];
    for (const [v, want] of table) assert.equal(goFloat(v), want, String(v));
  });

  it('escapes strings as easyjson (HTML-safe unless told otherwise)', () => {
    assert.equal(goJsonString('http://x/a?b=1&c=<2>'), '"http://x/a?b=1\\u0026c=\\u003c2\\u003e"');
    assert.equal(goJsonString('p(95)<200', false), '"p(95)<200"');
    assert.equal(goJsonString('a"b\\c\nd\te\x01'), '"a\\"b\\\\c\\nd\\te\\u0001"');
    assert.equal(goJsonString('µs ✓ \u2028'), '"µs ✓ \\u2028"');
    assert.equal(goJsonString('bad \ud800 x'), '"bad \ufffd x"');
  });

  it('formats times as RFC 3339 with trimmed nanoseconds', () => {
    const base = Date.UTC(2026, 10, 22, 6, 41, 4);
    assert.equal(rfc3339Nano(base), '2026-11-22T06:41:04Z');
    assert.equal(rfc3339Nano(base + 0.5), '2026-11-22T06:41:04.0005Z');
    assert.equal(rfc3339Nano(base + 114.25), '2026-11-22T06:41:04.11425Z');
    assert.equal(rfc3339Nano(base + 999.9999999), '2026-11-22T06:41:05Z'); // rounds into the next second
    assert.equal(parseRfc3339('2026-11-22T06:41:04.11425Z'), base + 114.25);
    assert.equal(parseRfc3339('2026-11-22T08:41:04+02:00'), base);
  });
});
