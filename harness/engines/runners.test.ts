import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startTrivialTarget } from '../bench/trivial-target';
import { listRunIds, PidFile, reap, runsRoot } from '../run';
import { pidAlive, runHarness, startHarness, throwawayProject, type SpawnHarnessOptions } from '../testing';

/**
 * `harness run --runners 2` through the spawned binary against a local node:http target
 * (external runtime: nothing else is started): the merged counts are the sum of the runners'
 * and exactly the configured shared iterations; a threshold each runner alone passes fails over
 * the merged samples (exit 99); Ctrl-C leaves no runner behind.
 */
const root = resolve('.');
const SCRIPT = join(root, 'harness/engines/fixtures/runners-shared.js');
const LIFECYCLE = join(root, 'harness/engines/fixtures/runners-lifecycle.js');

describe('harness run --runners 2 (spawned, builtin engine, local target)', function () {
  this.timeout(120_000);
  let cwd: string;
  let target: Awaited<ReturnType<typeof startTrivialTarget>>;
  beforeEach(async () => {
    cwd = await throwawayProject('harness-runners-');
    target = await startTrivialTarget();
  });
  afterEach(async () => {
    await target.close();
    await reap({ root: runsRoot(cwd), env: process.env, log: () => {}, docker: false }).catch(() => {});
    await rm(cwd, { recursive: true, force: true });
  });

  /** `harness run <script> --runners N` on the built-in engine (whatever K6_BIN says) against the local target. */
  const runArgs = (args: string[], o: { script?: string; runners?: number } = {}) => ['run', o.script ?? SCRIPT, '--runtime', 'external', '--target-url', target.url, '--engine', 'builtin', '--runners', String(o.runners ?? 2), ...args];
  const options = (): SpawnHarnessOptions => ({ cwd, env: { K6_BIN: '' }, timeoutMs: 100_000 });
  const cli = (args: string[], o: { script?: string; runners?: number } = {}) => runHarness(runArgs(args, o), options());

  async function runDir(): Promise<string> {
    const ids = await listRunIds(runsRoot(cwd));
    assert.equal(ids.length, 1);
    return join(runsRoot(cwd), ids[0]);
  }

  /** The merged stream's points. */
  function points(dir: string): Array<{ metric: string; data: { time: string; value: number; tags: Record<string, string> } }> {
    const lines = gunzipSync(readFileSync(join(dir, 'samples.ndjson.gz'))).toString('utf8').split('\n').filter(Boolean);
    return lines.map((l) => JSON.parse(l)).filter((l) => l.type === 'Point');
  }

  /** The shape of handleSummary's data: its keys, each metric's value names, the groups' and checks' names. */
  function shape(data: { metrics: Record<string, { type: string; values: Record<string, number>; thresholds?: object }>; root_group: { checks: Array<{ name: string }> } }) {
    return {
      keys: Object.keys(data).sort(),
      metrics: Object.fromEntries(Object.entries(data.metrics).map(([k, m]) => [k, { type: m.type, values: Object.keys(m.values).sort(), thresholds: Object.keys(m.thresholds ?? {}) }])),
      checks: data.root_group.checks.map((c) => c.name),
    };
  }

  const runnerLines = (err: string) => [...err.matchAll(/runner (\d)\/2 \(segment (\S+), exit (\d+)\): (\d+) iterations, (\d+) requests/g)].map((m) => ({ segment: m[2], exit: Number(m[3]), iterations: Number(m[4]), requests: Number(m[5]) }));

  it('merged counts are the sum of the runners\' and exactly the configured shared iterations; one summary', async () => {
    const r = await cli(['--env', 'ITERATIONS=41']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const runners = runnerLines(r.stderr);
    assert.deepEqual(runners.map((x) => x.segment), ['0:1/2', '1/2:1']);
    // k6's split of 41 shared iterations by 4 VUs (2 + 2): 21 and 20
    assert.deepEqual(runners.map((x) => x.iterations), [21, 20]);
    const dir = await runDir();
    const lines = gunzipSync(readFileSync(join(dir, 'samples.ndjson.gz'))).toString('utf8').split('\n').filter(Boolean);
    const pts = points(dir);
    assert.equal(pts.filter((p) => p.metric === 'iterations').length, 41);
    assert.equal(pts.filter((p) => p.metric === 'http_reqs').length, runners.reduce((a, x) => a + x.requests, 0));
    // the runners' lines are concatenated as bytes (docs/scaling.md): not in time order across
    // runners, but every point comes after its metric's (one) Metric line
    const declared = new Set<string>();
    for (const l of lines.map((x) => JSON.parse(x))) {
      if (l.type === 'Metric') declared.add(l.metric);
      else assert.ok(declared.has(l.metric), `a ${l.metric} point before its Metric line`);
    }
    assert.equal(lines.filter((l) => l.includes('"type":"Metric"') && l.includes('"name":"http_reqs"')).length, 1, 'one Metric line per metric');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    assert.equal(summary.metrics.iterations.count, 41);
    // the summary comes from the runners' aggregates: it counts exactly the points in the file
    assert.equal(summary.metrics.http_reqs.count, pts.filter((p) => p.metric === 'http_reqs').length);
    assert.equal((r.stdout.match(/http_reqs\.+:/g) ?? []).length, 1, 'k6\'s summary printed once');
    assert.equal(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).runners, 2);
  });

  it('a threshold each runner alone passes but the merged samples cross fails the run (exit 99)', async () => {
    const r = await cli(['--env', 'ITERATIONS=40', '--env', 'THRESHOLD=count<30']);
    assert.equal(r.code, 99, r.stderr + r.stdout);
    const runners = runnerLines(r.stderr);
    assert.deepEqual(runners.map((x) => x.requests), [20, 20], 'each runner alone stays under 30');
    assert.ok(runners.every((x) => x.exit === 0), 'the runners judge nothing');
    assert.match(r.stderr, /thresholds on metrics 'http_reqs' have been crossed \(judged once over all 2 runners\)/);
    assert.match(r.stdout, /FAILED/);
  });

  it('the same verdict and counts with 1 runner as with 2: a passing and a crossed threshold', async () => {
    for (const [threshold, code] of [['count<1000000', 0], ['count<30', 99]] as const) {
      const seen: Array<{ code: number | null; iterations: number; requests: number }> = [];
      for (const runners of [1, 2]) {
        const r = await cli(['--env', 'ITERATIONS=40', '--env', `THRESHOLD=${threshold}`], { runners });
        const ids = await listRunIds(runsRoot(cwd));
        const summary = JSON.parse(readFileSync(join(runsRoot(cwd), ids.sort().at(-1)!, 'summary.json'), 'utf8'));
        seen.push({ code: r.code, iterations: summary.metrics.iterations.count, requests: summary.metrics.http_reqs.count });
      }
      assert.deepEqual(seen, [1, 2].map(() => ({ code, iterations: 40, requests: 40 })), `${threshold}: ${JSON.stringify(seen)}`);
    }
  });

  it('setup(), teardown() and handleSummary() run once for all runners, handleSummary over the merged data, as with one runner', async () => {
    const shapes = [];
    for (const runners of [2, 1]) {
      const summaryFile = join(cwd, `handle-summary-${runners}.json`);
      const r = await cli(['--env', 'ITERATIONS=41', '--env', `SUMMARY_FILE=${summaryFile}`], { script: LIFECYCLE, runners });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.equal((r.stdout.match(/handleSummary ran: 41 iterations/g) ?? []).length, 1, `handleSummary's stdout once, over all iterations (${runners} runners)`);
      assert.doesNotMatch(r.stdout, /http_reqs\.+:/, "handleSummary replaces k6's text summary");
      const ids = await listRunIds(runsRoot(cwd));
      const dir = join(runsRoot(cwd), ids.sort().at(-1)!);
      const reqs = points(dir).filter((p) => p.metric === 'http_reqs');
      assert.equal(reqs.filter((p) => p.data.tags.group === '::setup').length, 1, `setup() ran once (${runners} runners)`);
      assert.equal(reqs.filter((p) => p.data.tags.group === '::teardown').length, 1, `teardown() ran once (${runners} runners)`);
      assert.equal(reqs.filter((p) => p.data.tags.group === '').length, 41);
      const data = JSON.parse(readFileSync(summaryFile, 'utf8'));
      assert.equal(data.metrics.iterations.values.count, 41);
      assert.equal(data.metrics.http_reqs.values.count, 43, 'setup + 41 iterations + teardown');
      assert.deepEqual(data.setup_data, { token: 'from-setup', n: 7 });
      assert.deepEqual(data.root_group.checks.map((c: { name: string; passes: number; fails: number }) => [c.name, c.passes, c.fails]), [['setup data reached the runner', 41, 0]], "setup's data reached every runner's iterations");
      assert.equal(data.metrics['http_req_duration{scenario:shared}'].thresholds['p(95)<60000'].ok, true, 'the threshold judged over the merged samples');
      assert.ok(data.state.testRunDurationMs > 0);
      shapes.push(shape(data));
    }
    assert.deepEqual(shapes[0], shapes[1], 'the same data shape with 2 runners as with 1');
  });

  it('--summary-mode disabled: no handleSummary and no engine export, thresholds still judged; the run\'s summary.json computed from its stream, and said so', async () => {
    for (const runners of [2, 1]) {
      const summaryFile = join(cwd, `hs-disabled-${runners}.json`);
      const r = await cli(['--summary-mode', 'disabled', '--env', 'ITERATIONS=41', '--env', `SUMMARY_FILE=${summaryFile}`], { script: LIFECYCLE, runners });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.doesNotMatch(r.stdout, /handleSummary ran|http_reqs\.+:/, `no summary text (${runners} runners)`);
      assert.ok(!existsSync(summaryFile), `handleSummary() not called (${runners} runners)`);
      assert.match(r.stderr, /summary: the engine exported no summary \(its end-of-test summary was disabled\); summary\.json computed by the harness from samples\.ndjson/);
      const ids = await listRunIds(runsRoot(cwd));
      const dir = join(runsRoot(cwd), ids.sort().at(-1)!);
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      assert.equal(summary.metrics.iterations.count, 41);
      assert.equal(summary.metrics.http_reqs.count, 43, 'setup + 41 iterations + teardown');
      // a submetric threshold (not on any Metric line): from the script's literal thresholds (thresholds.json)
      assert.deepEqual(summary.metrics['http_req_duration{scenario:shared}'].thresholds, { 'p(95)<60000': false });
      assert.match(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).summaryNote, /computed by the harness/);
      assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /Summary: the engine exported no summary/);
    }
    for (const runners of [2, 1]) {
      const r = await cli(['--summary-mode', 'disabled', '--env', 'ITERATIONS=40', '--env', 'THRESHOLD=count<30'], { runners });
      assert.equal(r.code, 99, `a crossed threshold is 99 with the summary disabled (${runners} runners)\n${r.stderr}`);
      const ids = await listRunIds(runsRoot(cwd));
      const summary = JSON.parse(readFileSync(join(runsRoot(cwd), ids.sort().at(-1)!, 'summary.json'), 'utf8'));
      assert.deepEqual(summary.metrics.http_reqs.thresholds, { 'count<30': true });
    }
  });

  it('exec.test.abort() in one runner stops every runner: exit 108, teardown and handleSummary once', async () => {
    const summaryFile = join(cwd, 'hs.json');
    const r = await cli(['--env', 'ITERATIONS=100000000', '--env', 'ABORT_AT=60', '--env', `SUMMARY_FILE=${summaryFile}`], { script: LIFECYCLE });
    assert.equal(r.code, 108, r.stderr + r.stdout);
    assert.match(r.stderr, /runner \d\/2 called test\.abort\(\): stopping every runner/);
    const runners = runnerLines(r.stderr);
    assert.equal(runners.length, 2);
    assert.ok(runners.every((x) => x.iterations < 100000000 / 2), `both runners stopped early: ${JSON.stringify(runners)}`);
    assert.deepEqual(runners.map((x) => x.exit).sort(), [105, 108]);
    const pts = points(await runDir());
    const reqs = pts.filter((p) => p.metric === 'http_reqs');
    assert.equal(reqs.filter((p) => p.data.tags.group === '::teardown').length, 1, 'teardown() ran once, after the runners stopped');
    assert.equal((r.stdout.match(/handleSummary ran: \d+ iterations/g) ?? []).length, 1);
    // handleSummary saw every runner's completed iterations (the merged stream's)
    assert.equal(JSON.parse(readFileSync(summaryFile, 'utf8')).metrics.iterations.values.count, pts.filter((p) => p.metric === 'iterations').length);
  });

  it('abortOnFail is judged over the merged samples while the test runs and stops every runner (exit 99)', async () => {
    const r = await cli(['--env', 'ITERATIONS=100000000', '--env', 'ABORT_ABOVE=200']);
    assert.equal(r.code, 99, r.stderr + r.stdout);
    assert.match(r.stderr, /thresholds on metrics 'http_reqs' were crossed \(judged over all 2 runners\); at least one has abortOnFail enabled, stopping every runner/);
    const runners = runnerLines(r.stderr);
    assert.equal(runners.length, 2);
    assert.ok(runners.every((x) => x.exit === 105 && x.iterations < 100000000 / 2), `both runners stopped early: ${JSON.stringify(runners)}`);
  });

  it('Ctrl-C (SIGINT) stops every runner: exit 105, no runner process left', async () => {
    await using h = startHarness(runArgs(['--env', 'ITERATIONS=100000000']), options());
    await h.waitFor(/target: /, { stream: 'stderr' });
    // both runners are in pids.json while they run
    let runnerPids: number[] = [];
    const recorded = Date.now() + 30_000;
    while (Date.now() < recorded && runnerPids.length < 3) {
      const ids = await listRunIds(runsRoot(cwd)).catch(() => []);
      if (ids.length) runnerPids = ((await PidFile.read(join(runsRoot(cwd), ids[0], 'pids.json')))?.processes ?? []).filter((p) => p.component === 'k6').map((p) => p.pid);
      await new Promise((res) => setTimeout(res, 100));
    }
    await new Promise((res) => setTimeout(res, 500));
    h.kill('SIGINT');
    const r = await h.done;
    // two runners and the instance that runs setup, teardown and the summary for them
    assert.equal(runnerPids.length, 3, `three engine processes recorded: ${runnerPids}`);
    assert.equal(r.code, 105, r.stderr + r.stdout);
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline && runnerPids.some(pidAlive)) await new Promise((res) => setTimeout(res, 100));
    for (const pid of runnerPids) assert.equal(pidAlive(pid), false, `runner ${pid} is gone`);
    const pids = await PidFile.read(join(await runDir(), 'pids.json'));
    assert.deepEqual(pids?.processes, []);
  });
});
