import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRealK6, findRealToxiproxy } from './real-tools';

/** Stand-in binaries that print what a version command prints; the lookup must judge them by it. */
describe('real-tools: finding real k6 and toxiproxy-server', () => {
  let dir: string;
  const fake = (name: string, output: string) => {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\necho '${output}'\n`);
    chmodSync(p, 0o755);
    return p;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'real-tools-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds k6 v0.48 on PATH and reads its version', () => {
    const path = fake('k6', 'k6 v0.48.0 (go1.19.8, linux/amd64)');
    const r = findRealK6({ PATH: dir });
    assert.deepEqual(r, { found: true, tool: { name: 'k6', path, version: 'v0.48.0', via: 'on PATH' } });
  });

  it('K6_BIN wins over PATH; a K6_BIN that is not executable is reported, not ignored', () => {
    const other = mkdtempSync(join(tmpdir(), 'real-tools-bin-'));
    try {
      const path = join(other, 'my-k6');
      writeFileSync(path, "#!/bin/sh\necho 'k6 v0.48.1 (go1.21, linux/amd64)'\n");
      chmodSync(path, 0o755);
      const r = findRealK6({ PATH: dir, K6_BIN: path });
      assert.ok(r.found && r.tool.path === path && r.tool.version === 'v0.48.1' && r.tool.via === `K6_BIN=${path}`, JSON.stringify(r));
      const bad = findRealK6({ PATH: dir, K6_BIN: join(other, 'nope') });
      assert.deepEqual(bad, { found: false, reason: `K6_BIN=${join(other, 'nope')} is not an executable file` });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses another k6 version and a binary that is not k6, saying why', () => {
    fake('k6', 'k6 v0.50.0 (go1.21, linux/amd64)');
    const r = findRealK6({ PATH: dir });
    assert.ok(!r.found && /is k6 v0\.50\.0; these tests compare against k6 v0\.48\.x/.test(r.reason), JSON.stringify(r));
    fake('k6', 'hello');
    const n = findRealK6({ PATH: dir });
    assert.ok(!n.found && /is not k6: `version` printed "hello"/.test(n.reason), JSON.stringify(n));
  });

  it('finds toxiproxy-server 2.4 (a release or an unversioned source build) and refuses 2.9', () => {
    fake('toxiproxy-server', 'toxiproxy-server version 2.4.0');
    assert.ok(findRealToxiproxy({ PATH: dir }).found);
    fake('toxiproxy-server', 'toxiproxy-server version git');
    const git = findRealToxiproxy({ PATH: dir });
    assert.ok(git.found && git.tool.version === 'git');
    fake('toxiproxy-server', 'toxiproxy-server version 2.9.0');
    const r = findRealToxiproxy({ PATH: dir });
    assert.ok(!r.found && /2\.9\.0; these tests compare against toxiproxy-server 2\.4\.x/.test(r.reason), JSON.stringify(r));
  });

  it('says where to look when neither is there', () => {
    const empty = mkdtempSync(join(tmpdir(), 'real-tools-empty-'));
    try {
      assert.deepEqual(findRealK6({ PATH: empty }), { found: false, reason: 'k6 is not on PATH and K6_BIN is not set (see docs/testing.md)' });
      assert.deepEqual(findRealToxiproxy({ PATH: empty }), { found: false, reason: 'toxiproxy-server is not on PATH and TOXIPROXY_BIN is not set (see docs/testing.md)' });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('record-fixtures names the missing tool and exits 110 (it never builds one)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'real-tools-empty-'));
    try {
      const script = fileURLToPath(new URL('./record-fixtures.ts', import.meta.url));
      const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--out', empty], {
        encoding: 'utf8',
        env: { PATH: empty, HOME: process.env.HOME },
        cwd: fileURLToPath(new URL('../../', import.meta.url)),
        timeout: 60_000,
      });
      assert.equal(r.status, 110, r.stderr);
      assert.match(r.stderr, /cannot record the k6 fixtures: k6 is not on PATH and K6_BIN is not set/);
      assert.match(r.stderr, /cannot record the toxiproxy fixtures: toxiproxy-server is not on PATH and TOXIPROXY_BIN is not set/);
      const usage = spawnSync(process.execPath, ['--import', 'tsx', script, 'bogus'], { encoding: 'utf8', env: { PATH: empty }, timeout: 60_000 });
      assert.equal(usage.status, 104);
      assert.match(usage.stderr, /unknown tool "bogus"/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
