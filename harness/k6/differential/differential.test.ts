import assert from 'node:assert/strict';
import { findRealK6, requireRealTool, type RealTool } from '../../testing/real-tools';
import { describeDiff, readFixture, type Fixture } from './fixture';
import { listScripts, runCase, scriptSource, sha256 } from './run-case';

/**
 * The differential suite (README.md beside this file): every script of scripts/ on the built-in
 * engine, compared with what real k6 v0.48 did with it (the committed recording), and, when a
 * real k6 is on PATH or in K6_BIN, with real k6 live. A known difference (recorded with its
 * reason) is asserted as it is and printed; a fix makes the test fail until the note is dropped.
 */
const scripts = await listScripts();
const fixtures = new Map<string, Fixture | undefined>(await Promise.all(scripts.map(async (s) => [s, await readFixture(s)] as const)));

const rerecord = (name: string) => `re-record: K6_BIN=/path/to/k6 npm run record-differential -- ${name}`;

describe('k6 differential suite: the built-in engine against recordings of real k6 v0.48', function () {
  this.timeout(60_000);
  for (const name of scripts) {
    it(name, async () => {
      const f = fixtures.get(name);
      assert.ok(f, `no recording for ${name}; ${rerecord(name)}`);
      assert.equal(f.scriptSha256, sha256(await scriptSource(name)), `${name} changed since it was recorded; ${rerecord(name)}`);
      const builtin = await runCase(name, { kind: 'builtin' });
      if (f.known) {
        // eslint-disable-next-line no-console
        console.log(`      known difference: ${f.known.why}\n${describeDiff(f.real, f.known.builtin).replace(/^/gm, '      ')}`);
        assert.notDeepEqual(builtin, f.real, `${name} now behaves as real k6: drop the known-difference note (${rerecord(name)}) and its line in docs/engine.md`);
        assert.deepEqual(builtin, f.known.builtin, `${name}: the built-in engine changed its known-different behaviour\n${describeDiff(f.known.builtin, builtin)}`);
      } else assert.deepEqual(builtin, f.real, `${name}: the built-in engine differs from real k6 v0.48\n${describeDiff(f.real, builtin)}`);
    });
  }
});

describe('k6 differential suite: the recordings against real k6 v0.48 live', function () {
  this.timeout(120_000);
  let k6: RealTool;
  before(function () {
    k6 = requireRealTool(this, findRealK6());
  });
  for (const name of scripts) {
    it(`${name} (live)`, async () => {
      const f = fixtures.get(name);
      assert.ok(f, `no recording for ${name}; ${rerecord(name)}`);
      const real = await runCase(name, { kind: 'k6', path: k6.path });
      assert.deepEqual(real, f.real, `${name}: real k6 (${k6.path}) no longer does what was recorded\n${describeDiff(f.real, real).replaceAll('built-in', 'live')}`);
    });
  }
});
