import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';

const runMainUrl = new URL('./run-main.mjs', import.meta.url).href;

/** Runs `runMain(<mainSource>)` in a fresh node, as the bin does, and returns how it exited. */
function exitOf(mainSource: string): { status: number | null; stderr: string } {
  const src = `import { runMain } from ${JSON.stringify(runMainUrl)}; runMain(${mainSource}, []);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', src], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stderr: r.stderr };
}

describe('bin runMain', () => {
  it('exits with the code main() resolves to', () => {
    assert.equal(exitOf('async () => 99').status, 99);
    assert.equal(exitOf('async () => 0').status, 0);
  });

  it('a main() that throws exits 111 with "internal error"', () => {
    const r = exitOf('async () => { throw new Error("boom"); }');
    assert.equal(r.status, 111);
    assert.match(r.stderr, /internal error: Error: boom/);
  });

  it('a main() left waiting on an unref\'d timer exits 111 with a clear message, not 13', () => {
    // What the docker teardown did: the loop empties while main() still waits.
    const r = exitOf('() => new Promise((r) => setTimeout(r, 60_000).unref())');
    assert.equal(r.status, 111, r.stderr);
    assert.match(r.stderr, /internal error: the harness stopped before finishing/);
  });

  it('waits for a main() that work keeps alive', () => {
    const r = exitOf('() => new Promise((r) => setTimeout(() => r(7), 300))');
    assert.equal(r.status, 7);
    assert.equal(r.stderr, '');
  });
});
