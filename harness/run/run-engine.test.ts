import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { resolveRunners } from './run-engine';

describe('resolveRunners (harness run --runners)', () => {
  const cores = availableParallelism();
  const cases: Array<[number | 'auto' | undefined, string, number]> = [
    // the default is auto: every core for the built-in engine (one Node process is one core)...
    [undefined, 'builtin', cores],
    ['auto', 'builtin', cores],
    // ...and one process for real k6, which already uses every core
    [undefined, 'k6', 1],
    ['auto', 'k6', 1],
    // a number is taken as given, 1 included
    [1, 'builtin', 1],
    [3, 'builtin', 3],
    [2, 'k6', 2],
  ];
  for (const [given, engine, want] of cases) {
    it(`${String(given)} with ${engine} -> ${want}`, () => assert.equal(resolveRunners(given, engine), want));
  }
});
