import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupAlive, runHarness, startHarness, waitGroupGone } from '.';

/** A script that logs its environment's HELPER_VAR and NO_COLOR, then sleeps `SLEEP` seconds. */
const SCRIPT = `import { sleep } from 'k6';
export const options = { iterations: 1 };
export default function () {
  console.log('var=' + __ENV.HELPER_VAR + ' no_color=' + __ENV.NO_COLOR);
  sleep(Number(__ENV.SLEEP || 0));
}
`;

describe('runHarness / startHarness (the bin, spawned)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'spawn-harness-'));
    writeFileSync(join(dir, 's.js'), SCRIPT);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs to its exit: code, signal, both streams; env over process.env with NO_COLOR=1, undefined removes', async () => {
    process.env.HELPER_VAR = 'from-parent';
    try {
      const inherited = await runHarness(['k6', 'run', '-q', '--no-summary', 's.js'], { cwd: dir });
      assert.equal(inherited.code, 0, inherited.stderr);
      assert.equal(inherited.signal, null);
      assert.match(inherited.stderr, /var=from-parent no_color=1/);
      assert.ok(inherited.output.includes(inherited.stderr.trim()), 'output interleaves the streams');
      const removed = await runHarness(['k6', 'run', '-q', '--no-summary', 's.js'], { cwd: dir, env: { HELPER_VAR: undefined, NO_COLOR: '' } });
      assert.match(removed.stderr, /var=undefined no_color="/);
    } finally {
      delete process.env.HELPER_VAR;
    }
    const usage = await runHarness(['bogus']);
    assert.equal(usage.code, 104, usage.stderr);
  });

  it('a command past its timeout: SIGINT then SIGKILL to its process group, and a rejection naming it with its output', async () => {
    const h = startHarness(['k6', 'run', '-q', '--no-summary', '--env', 'SLEEP=600', 's.js'], { cwd: dir, timeoutMs: 4_000, killGraceMs: 500 });
    await h.waitFor(/var=/, { stream: 'stderr' });
    await assert.rejects(h.done, (e: Error) => {
      assert.match(e.message, /^harness k6 run -q --no-summary --env SLEEP=600 s\.js hung: no exit after 4000 ms; SIGINT sent to its process group/);
      assert.match(e.message, /--- stderr .*---\n[^]*var=/, 'its output so far');
      return true;
    });
    assert.ok(await waitGroupGone(h.pid, 5000), 'nothing of its process group is left');
  });

  it('a live process: waitFor a line, signal it, dispose kills what is left; waitFor rejects once it exited without the line', async () => {
    let pid: number;
    {
      await using h = startHarness(['k6', 'run', '-q', '--no-summary', '--env', 'SLEEP=600', 's.js'], { cwd: dir });
      pid = h.pid;
      const [, value] = await h.waitFor(/var=(\S+)/, { stream: 'stderr' });
      assert.equal(value, 'undefined');
      assert.equal(h.exited, false);
      assert.ok(groupAlive(pid));
    }
    assert.ok(await waitGroupGone(pid, 5000), 'disposed: the group is gone');

    const quick = startHarness(['--help']);
    await assert.rejects(quick.waitFor(/never printed/), /harness --help exited \(0\) before \/never printed\/ appeared in its output|has exited/);
    assert.equal((await quick.done).code, 0);
    assert.match((await quick.waitFor(/^harness <command>/m, { stream: 'stdout' }))[0], /harness <command>/, 'a line already there resolves at once');
  });
});
