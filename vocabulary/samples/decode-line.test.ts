import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeLine, decodeLines, decodeLineSlow, decodePointFast, type StreamRecord } from './decode-line';
import { encodePointLine } from './encode-samples';
import type { Sample } from './types';

/** Real k6 v0.48 `--out json` lines: HTTP samples, escapes, unicode, exponents, metadata (fixtures/PROVENANCE.md). */
const k6Lines = readFileSync(new URL('./fixtures/k6-v0.48-lines.ndjson', import.meta.url), 'utf8').split('\n').filter(Boolean);

/** mulberry32: the same mutations on every run (the seed is in the failure message). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// characters that matter to JSON, to the fast path's checks and to its caches
const ALPHABET = ['"', '\\', '{', '}', '[', ']', ',', ':', '.', '-', '+', 'e', 'E', 'Z', 'T', ' ', '\t', '\n', '\u0001', '0', '1', '5', '9', 'a', 'n', 'u', 'é', '✓', '\u2028', 'null', 'true', '"x"', '\\"', '\\u0041', '00', '1e5', '.5'];

// values and times near the grammar's edges, put in place of a line's own
const NUMBERS = ['1.', '.5', '01', '-', '-0', '-0.0', '1e', '1e+', '1E5', '1e-07', '+1', 'NaN', 'Infinity', '0x10', '1_0', ' 1', '1 ', 'null', '"1"', 'true', '1.5.5', '--1', '0e0', '123456789012345678901234567890'];
const TIMES = ['2026-11-30T09:01:58Z', '2026-11-30T09:01:58.Z', '2026-11-30T09:01:58.1234567891Z', '2026-11-30T09:01:58.5', '2026-11-30T11:01:58.5+02:00', '2026-11-30t09:01:58.5z', '2026-13-30T09:01:58.5Z', '2026-02-30T09:01:58.5Z', '2026-11-30T09:01:60.5Z', '2026-11-30 09:01:58.5Z', '26-11-30T09:01:58.5Z', '2026-11-30T09:01:58.5ZZ', 'yesterday', ''];

function mutate(line: string, r: () => number): string {
  const at = () => Math.floor(r() * (line.length + 1));
  const pick = () => ALPHABET[Math.floor(r() * ALPHABET.length)];
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const i = at();
    switch (Math.floor(r() * 9)) {
      case 7: line = line.replace(/"value":[^,]*/, `"value":${NUMBERS[Math.floor(r() * NUMBERS.length)]}`); break;
      case 8: line = line.replace(/"time":"[^"]*"/, `"time":"${TIMES[Math.floor(r() * TIMES.length)]}"`); break;
      case 0: line = line.slice(0, i) + line.slice(i + 1); break; // delete
      case 1: line = line.slice(0, i) + pick() + line.slice(i); break; // insert
      case 2: line = line.slice(0, i) + pick() + line.slice(i + 1); break; // replace
      case 3: line = line.slice(0, i); break; // cut short (a killed engine)
      case 4: { // a digit changed (times, values)
        const d = line.slice(i).search(/\d/);
        if (d >= 0) line = line.slice(0, i + d) + String(Math.floor(r() * 10)) + line.slice(i + d + 1);
        break;
      }
      case 5: { // a slice repeated
        const j = at();
        const [a, b] = i < j ? [i, j] : [j, i];
        line = line.slice(0, b) + line.slice(a, b) + line.slice(b);
        break;
      }
      default: line = ` ${line}\r`; // whitespace JSON allows around a value
    }
  }
  return line;
}

describe('vocabulary/samples decodeLine: the fast path and JSON.parse agree', () => {
  it('on every line real k6 wrote, and the fast path takes every Point line without metadata', () => {
    let fast = 0;
    for (const line of k6Lines) {
      assert.deepStrictEqual(decodeLine(line), decodeLineSlow(line), line);
      const f = decodePointFast(line);
      if (f) {
        fast++;
        assert.deepStrictEqual(f, decodeLineSlow(line), line);
      } else if (line.includes('"type":"Point"')) assert.ok(line.includes('"metadata":'), `the fast path declined an ordinary line: ${line}`);
    }
    assert.ok(fast > 600, `${fast} lines on the fast path`);
  });

  it('on a whole batch (decodeLines): the same records as line by line', () => {
    const out: StreamRecord[] = [];
    decodeLines(`${k6Lines.join('\n')}\n`, out);
    assert.deepStrictEqual(out, k6Lines.map((l) => decodeLineSlow(l)).filter(Boolean));
  });

  it('decodeLines with `only`: exactly the Point records of those metrics, on real lines and on mutated ones', () => {
    const only = new Set(['http_reqs', 'http_req_failed', 'iterations', 'vus']);
    const keep = (rs: Array<StreamRecord | undefined>) => rs.filter((x): x is StreamRecord => x !== undefined && x.type === 'Point' && only.has(x.sample.metric));
    const out: StreamRecord[] = [];
    decodeLines(`${k6Lines.join('\n')}\n`, out, only);
    const want = keep(k6Lines.map((l) => decodeLineSlow(l)));
    assert.ok(want.length > 50, `${want.length} counted points in the fixture`);
    assert.deepStrictEqual(out, want);
    const r = rng(7);
    const mutated = Array.from({ length: 5000 }, () => mutate(k6Lines[Math.floor(r() * k6Lines.length)]!, r));
    const got: StreamRecord[] = [];
    decodeLines(mutated.join('\n'), got, only);
    assert.deepStrictEqual(got, keep(mutated.flatMap((l) => l.split('\n')).map((l) => decodeLineSlow(l))));
  });

  it('on 30,000 mutations of real lines (deletions, insertions, cut lines, changed digits, odd values and times, whitespace)', () => {
    const seed = 20261130;
    const r = rng(seed);
    let declined = 0;
    for (let i = 0; i < 30_000; i++) {
      const base = k6Lines[Math.floor(r() * k6Lines.length)];
      // an unmutated line between mutated ones keeps the caches (names, times, tags) warm with near misses
      if (i % 3 === 0) assert.deepStrictEqual(decodeLine(base), decodeLineSlow(base));
      const line = mutate(base, r);
      const got = decodeLine(line);
      assert.deepStrictEqual(got, decodeLineSlow(line), `seed ${seed}, mutation ${i}: ${JSON.stringify(line)}`);
      if (!decodePointFast(line)) declined++;
    }
    assert.ok(declined > 10_000 && declined < 30_000, `${declined} mutations declined by the fast path: both paths were exercised`);
  });

  it('on generated samples written by the encoder (tags with escapes, values in every float form, times at every precision)', () => {
    const r = rng(7);
    const values = [0, -0, 1, -1, 0.5, 1e21, 1.5e-7, 5e-324, 1.7976931348623157e308, 123456789.125, 0.0001, 0.00009999, 999999, 1e6, -3.25, 9.386662999999999];
    const tagValues = ['202', '', 'a"b', 'c\\d', '<&>', 'µs ✓', '\u2028', 'tab\t', 'x'.repeat(300)];
    const base = Date.UTC(2026, 10, 30, 8, 36, 54);
    for (let i = 0; i < 5000; i++) {
      const tags: Record<string, string> = {};
      for (let k = Math.floor(r() * 4); k > 0; k--) tags[`k${Math.floor(r() * 5)}`] = tagValues[Math.floor(r() * tagValues.length)];
      const sample: Sample = {
        metric: ['http_reqs', 'http_req_duration', 'my_metric'][i % 3],
        time: base + Math.floor(r() * 3000) + [0, 0.5, 0.000001, Math.floor(r() * 1e6) / 1e6][Math.floor(r() * 4)],
        value: r() < 0.5 ? values[Math.floor(r() * values.length)] : r() * 10 ** Math.floor(r() * 30 - 10),
        tags,
      };
      const line = encodePointLine(sample).trimEnd();
      const fast = decodePointFast(line);
      assert.ok(fast, `the fast path takes the encoder's lines: ${line}`);
      assert.deepStrictEqual(fast, decodeLineSlow(line), line);
      if (fast.type === 'Point') assert.deepStrictEqual({ ...fast.sample, time: 0 }, { ...sample, time: 0 });
    }
  });

  it('shares one frozen tags object per distinct tag set (consumers may key caches by it)', () => {
    const [a, b] = k6Lines.filter((l) => l.startsWith('{"metric":"http_req_duration"')).map((l) => decodeLine(l));
    assert.ok(a?.type === 'Point' && b?.type === 'Point');
    assert.equal(a.sample.tags, b.sample.tags);
    assert.ok(Object.isFrozen(a.sample.tags));
  });
});
