import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from '../conformance/run-script';
import { RUNNERS_FILES, waitForRunnersFile, writeRunnersFile, type ReadyMessage, type SetupMessage, type TeardownDoneMessage } from '../merge/runners-protocol';

/**
 * The engine's side of `harness run --runners N` (runners-protocol.ts), in-process: a runner
 * (`--setup-from DIR --no-teardown`) takes setup's data from DIR instead of running setup(); the
 * lifecycle instance (`--lifecycle-for DIR`) runs setup, waits for its runners, runs teardown and
 * hands the merged data it is given to handleSummary. The coordinator is played here by hand.
 * Also k6's own `--no-setup` / `--no-teardown`.
 */
const SCRIPT = `
import { Counter } from 'k6/metrics';
const seen = new Counter('seen_token');
export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 2, iterations: 6 } }, thresholds: { seen_token: ['count>0'] }, summaryTrendStats: ['avg', 'p(99)'] };
export function setup() { console.log('SETUP RAN'); return { token: 'abc' }; }
export default function (data) { if (data && data.token === 'abc') seen.add(1); }
export function teardown(data) { console.log('TEARDOWN RAN with ' + (data && data.token)); }
export function handleSummary(data) {
  return { stdout: 'SUMMARY iterations=' + (data.metrics.iterations ? data.metrics.iterations.values.count : 'none') + ' setup_data=' + JSON.stringify(data.setup_data) + ' trend=' + data.options.summaryTrendStats.join(',') + '\\n' };
}
`;

describe('harness k6 run: --setup-from, --lifecycle-for (runners of one test) and --no-setup / --no-teardown', function () {
  this.timeout(60_000);
  let dir: string;
  let script: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runners-lifecycle-'));
    script = join(dir, 'script.js');
    await writeFile(script, SCRIPT);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('--setup-from: setup() is not run, its data comes from setup.json; --no-teardown: no teardown()', async () => {
    writeRunnersFile(dir, RUNNERS_FILES.setup, { ok: true, data: { token: 'abc' } } satisfies SetupMessage);
    const r = await runScript(script, { flags: ['--no-thresholds', '--setup-from', dir, '--no-teardown', '--no-summary'] });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /SETUP RAN|TEARDOWN RAN/);
    assert.equal(r.sum('seen_token'), 6, "every iteration got the given data");
  });

  it('--setup-from with {ok: false} (setup failed elsewhere): nothing runs, exit 0', async () => {
    writeRunnersFile(dir, RUNNERS_FILES.setup, { ok: false } satisfies SetupMessage);
    const r = await runScript(script, { flags: ['--no-thresholds', '--setup-from', dir, '--no-teardown', '--no-summary'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.count('iterations'), 0);
  });

  it('--setup-from waits for setup.json; Ctrl-C while waiting ends it (105) without running anything', async () => {
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 1500);
    const r = await runScript(script, { flags: ['--no-thresholds', '--setup-from', dir, '--no-teardown', '--no-summary'], signal: ctrl.signal });
    assert.equal(r.code, 105, r.stderr);
    assert.equal(r.count('iterations'), 0);
  });

  it("--no-setup: setup() is not run (data undefined); --no-teardown: teardown() is not run", async () => {
    const r = await runScript(script, { flags: ['--no-thresholds', '--no-setup', '--no-teardown', '--no-summary'] });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /SETUP RAN|TEARDOWN RAN/);
    assert.equal(r.sum('seen_token'), 0);
    assert.equal(r.count('iterations'), 6);
  });

  it('--lifecycle-for: ready, setup once, teardown after runners-done, handleSummary over the merged data it is handed', async () => {
    const lifecycleDir = join(dir, 'runners');
    await rm(lifecycleDir, { recursive: true, force: true });
    await import('node:fs/promises').then((f) => f.mkdir(lifecycleDir));
    const run = runScript(script, { flags: ['--no-thresholds', '--lifecycle-for', lifecycleDir] });
    // the coordinator's side
    const ready = await waitForRunnersFile<ReadyMessage>(lifecycleDir, RUNNERS_FILES.ready);
    assert.deepEqual(ready.thresholds, { seen_token: ['count>0'] });
    assert.deepEqual(ready.summaryTrendStats, ['avg', 'p(99)']);
    const setup = await waitForRunnersFile<SetupMessage>(lifecycleDir, RUNNERS_FILES.setup);
    assert.deepEqual(setup, { ok: true, data: { token: 'abc' } });
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(await waitForRunnersFile(lifecycleDir, RUNNERS_FILES.teardownDone, { signal: AbortSignal.timeout(1) }).catch(() => 'waiting'), 'waiting', 'teardown waits for the runners');
    writeRunnersFile(lifecycleDir, RUNNERS_FILES.runnersDone, undefined);
    const td = await waitForRunnersFile<TeardownDoneMessage>(lifecycleDir, RUNNERS_FILES.teardownDone);
    assert.ok(td.testRunDurationMs >= 300);
    writeRunnersFile(lifecycleDir, RUNNERS_FILES.summary, {
      metrics: { iterations: { type: 'counter', contains: 'default', values: { count: 99, rate: 9.9 } } },
      root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [] },
    });
    const r = await run;
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stderr.match(/SETUP RAN/g) ?? []).length, 1);
    assert.match(r.stderr, /TEARDOWN RAN with abc/);
    assert.match(r.stdout, /SUMMARY iterations=99 setup_data=\{"token":"abc"\} trend=avg,p\(99\)/);
    assert.equal(r.count('iterations'), 0, 'the lifecycle instance runs no scenario');
    assert.equal(r.count('vus'), 0, 'nor reports VUs it does not have');
    assert.equal(r.count('iteration_duration', { group: '::setup' }), 1);
    assert.equal(r.count('iteration_duration', { group: '::teardown' }), 1);
  });
});
