import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfraError, InvalidConfigError } from '../errors';
import { BuiltinEngine } from './builtin-engine';
import { defaultEngineRegistry, resolveEngine } from './builtins';
import { EngineRegistry } from './engine-registry';
import { K6Engine } from './k6-engine';
import { writeStandInK6 } from './testing/stand-in-k6';

describe('engine registry', () => {
  let dir: string;
  let emptyDir: string;
  let fakeBinDir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'harness-engines-'));
    emptyDir = join(dir, 'empty');
    fakeBinDir = join(dir, 'bin');
    await import('node:fs/promises').then((fs) => Promise.all([fs.mkdir(emptyDir), fs.mkdir(fakeBinDir)]));
    // Only for the availability probe (`k6 version`, `k6 run --help`): resolution logic, never used to run load.
    await writeStandInK6(fakeBinDir, 'v0.48.0', { argvFile: join(dir, 'argv'), runExit: 0 });
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('rejects duplicate keys and the reserved "auto"', () => {
    const r = new EngineRegistry().register('builtin', () => new BuiltinEngine());
    assert.throws(() => r.register('builtin', () => new BuiltinEngine()), /engine "builtin" is already registered/);
    assert.throws(() => r.register('auto', () => new BuiltinEngine()), /reserved/);
  });

  it('an unknown engine is an invalid-config error listing the valid keys', async () => {
    const r = defaultEngineRegistry();
    assert.deepEqual(r.selections(), ['auto', 'k6', 'builtin']);
    assert.throws(() => r.get('k7'), (e: unknown) => e instanceof InvalidConfigError && /unknown engine "k7"; valid: auto, k6, builtin/.test(e.message));
    await assert.rejects(resolveEngine('wrk', { PATH: emptyDir }), InvalidConfigError);
  });

  it('auto picks builtin when neither K6_BIN nor PATH has k6', async () => {
    const r = await resolveEngine('auto', { PATH: emptyDir });
    assert.equal(r.engine.key, 'builtin');
    assert.equal(r.requested, 'auto');
    assert.match(r.why, /k6 skipped: k6 is not on PATH and K6_BIN is not set/);
  });

  it('auto picks k6 when an executable named k6 is on PATH, and reads its version', async () => {
    const r = await resolveEngine('auto', { PATH: `${emptyDir}:${fakeBinDir}` });
    assert.equal(r.engine.key, 'k6');
    assert.equal(r.availability.version, 'v0.48.0');
    assert.equal(r.availability.path, join(fakeBinDir, 'k6'));
  });

  it('K6_BIN takes precedence over PATH; a bad K6_BIN makes k6 unavailable with the reason', async () => {
    const k6 = new K6Engine();
    const viaBin = await k6.available({ PATH: emptyDir, K6_BIN: join(fakeBinDir, 'k6') });
    assert.equal(viaBin.ok, true);
    assert.match(viaBin.reason!, /^K6_BIN=/);
    const bad = await k6.available({ PATH: fakeBinDir, K6_BIN: join(dir, 'nope') });
    assert.equal(bad.ok, false);
    assert.match(bad.reason!, /K6_BIN=.*nope is not an executable file/);
    assert.equal((await resolveEngine('auto', { PATH: fakeBinDir, K6_BIN: join(dir, 'nope') })).engine.key, 'builtin');
  });

  it('a non-executable file named k6 on PATH does not count', async () => {
    const plain = join(dir, 'plain');
    await import('node:fs/promises').then((fs) => fs.mkdir(plain));
    await writeFile(join(plain, 'k6'), 'not a program');
    assert.equal((await resolveEngine('auto', { PATH: plain })).engine.key, 'builtin');
  });

  it('asking for k6 explicitly when it is missing fails with a hint instead of falling back', async () => {
    await assert.rejects(resolveEngine('k6', { PATH: emptyDir }), (e: unknown) => {
      assert.ok(e instanceof InfraError);
      assert.match(e.message, /engine "k6" is not available: k6 is not on PATH/);
      assert.match(e.hint!, /K6_BIN|--engine builtin/);
      return true;
    });
  });

  it('builtin is always available and names the harness entry it spawns', async () => {
    const a = await new BuiltinEngine().available({});
    assert.equal(a.ok, true);
    assert.match(a.path!, /harness\/bin\/harness\.mjs$/);
    const missing = await new BuiltinEngine({ binPath: join(dir, 'missing.mjs') }).available({});
    assert.equal(missing.ok, false);
  });
});
