import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeStandInK6 } from '../../engines/testing/stand-in-k6';
import { k6Check } from './checks';

describe('doctor: the k6 it found and whether it is supported', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'harness-doctor-k6-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  for (const v of ['v0.48.0', 'v1.8.1', 'v2.2.0']) {
    it(`${v} on PATH: named, with its path, supported`, async () => {
      const bin = await writeStandInK6(join(dir, v), v, { argvFile: join(dir, 'argv'), runExit: 0 });
      const r = await k6Check({ PATH: join(dir, v) });
      assert.deepEqual(r, { name: 'k6', ok: true, detail: `${v} at ${bin}: supported (v0.48.0 to v2.x)`, required: false });
    });
  }

  it('an unsupported k6 is named with why and what to do; none at all says so', async () => {
    const bin = await writeStandInK6(join(dir, 'v3'), 'v2.2.0', { argvFile: join(dir, 'argv'), runExit: 0 });
    await writeFile(bin, (await readFile(bin, 'utf8')).replace(/show '[^']*version\.txt'/, "echo 'k6 v3.0.0 (go1.26, linux/amd64)'"));
    const r = await k6Check({ K6_BIN: bin, PATH: '/nonexistent' });
    assert.equal(r.ok, false);
    assert.match(r.detail, new RegExp(`^v3\\.0\\.0 at ${bin}: not supported: k6 v3\\.0\\.0 is newer than the newest major`));
    assert.match(r.hint!, /--engine builtin/);
    const none = await k6Check({ PATH: join(dir, 'empty') });
    assert.equal(none.ok, false);
    assert.match(none.detail, /not found/);
  });
});
