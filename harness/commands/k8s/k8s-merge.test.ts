import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runHarness, startDelayServer, throwawayProject, type DelayServer } from '../../testing';

/**
 * `harness k8s merge` as a user runs it after a k6-operator test: two runners' outputs (one as
 * `kubectl logs` gives it, log lines mixed in) from real engine runs against a real HTTP server.
 */
describe('harness k8s merge (spawned)', function () {
  this.timeout(180_000);
  let project: string;
  let server: DelayServer;
  let base: string;

  const SCRIPT = `import http from 'k6/http';
export const options = {
  vus: 2,
  iterations: Number(__ENV.ITER),
  thresholds: { http_req_duration: ['p(90)<100'], 'http_reqs{delay:slow}': ['count>=0'] },
};
export default function () {
  http.get(\`\${__ENV.BASE_URL}/?d=\${__ENV.DELAY}\`, { tags: { delay: Number(__ENV.DELAY) > 50 ? 'slow' : 'fast' } });
}
`;

  // async: the test's HTTP server answers from this process's event loop
  const harness = (args: string[]) => runHarness(args, { cwd: project, timeoutMs: 120_000 });

  before(async () => {
    project = await throwawayProject('k8s-merge-');
    await writeFile(join(project, 'merge-test.js'), SCRIPT);
    server = await startDelayServer();
    base = server.url;
  });
  after(async () => {
    server?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('thresholds computed at init time (not literals) are evaluated at render and judged by merge, though the runners carry none', async () => {
    // the runners run --no-thresholds, so their streams' Metric lines have no thresholds: render must record them
    await writeFile(join(project, 'computed.js'), SCRIPT.replace("thresholds: { http_req_duration: ['p(90)<100'], 'http_reqs{delay:slow}': ['count>=0'] },", "thresholds: Object.fromEntries([['http_req_' + 'duration', ['p(90)<' + 50 * 2]]]),"));
    const render = await harness(['k8s', 'render', 'computed.js', '--parallelism', '2', '--target-url', base, '--out', 'rendered-computed']);
    assert.equal(render.code, 0, render.stderr);
    const record = JSON.parse(await readFile(join(project, 'rendered-computed', 'harness-k8s.json'), 'utf8')) as { thresholds?: unknown };
    assert.deepEqual(record.thresholds, { http_req_duration: ['p(90)<100'] });
    for (const [name, delay, iter] of [['c-fast', 1, 40], ['c-slow', 150, 10]] as const) {
      const r = await harness(['k6', 'run', '--quiet', '--no-thresholds', '--out', `json=${name}.json`, '-e', `BASE_URL=${base}`, '-e', `DELAY=${delay}`, '-e', `ITER=${iter}`, 'computed.js']);
      assert.equal(r.code, 0, r.stderr);
    }
    const merge = await harness(['k8s', 'merge', 'rendered-computed', 'c-fast.json', 'c-slow.json']);
    assert.equal(merge.code, 99, `merged p90 >= 100 ms crosses the computed threshold\n${merge.stderr}`);
  });

  it('judges thresholds once over every runner: a p90 one runner passes alone fails merged (99); counts add up', async () => {
    const render = await harness(['k8s', 'render', 'merge-test.js', '--parallelism', '2', '--target-url', base, '--out', 'rendered']);
    assert.equal(render.code, 0, render.stderr);
    const record = JSON.parse(await readFile(join(project, 'rendered', 'harness-k8s.json'), 'utf8')) as { runId: string };

    const fast = await harness(['k6', 'run', '--quiet', '--out', 'json=fast.json', '-e', `BASE_URL=${base}`, '-e', 'DELAY=1', '-e', 'ITER=40', 'merge-test.js']);
    assert.equal(fast.code, 0, `the fast runner passes its thresholds alone\n${fast.stderr}`);
    const slow = await harness(['k6', 'run', '--quiet', '--no-thresholds', '--out', 'json=slow.json', '-e', `BASE_URL=${base}`, '-e', 'DELAY=150', '-e', 'ITER=10', 'merge-test.js']);
    assert.equal(slow.code, 0, slow.stderr);
    // a runner pod's log: k6's stderr lines around the JSON stream, as `kubectl logs` returns them
    const fastLines = await readFile(join(project, 'fast.json'), 'utf8');
    await writeFile(join(project, 'fast.log'), `time="2026-01-01T00:00:00Z" level=info msg="starting"\n${fastLines}time="2026-01-01T00:00:09Z" level=warning msg="done"\n`);

    const merge = await harness(['k8s', 'merge', 'rendered', 'fast.log', 'slow.json']);
    assert.equal(merge.code, 99, `merged: 10 of 50 requests take 150 ms, so p90 >= 100\n${merge.stderr}`);
    assert.match(merge.stderr, /fast\.log: 40 iterations, 40 requests/);
    assert.match(merge.stderr, /slow\.json: 10 iterations, 10 requests/);
    assert.match(merge.stderr, /judged once over all 2 runner\(s\)/);
    assert.match(merge.stdout, /http_reqs[.\s]+: 50\b/, 'k6 summary of the merged run');
    const runDir = join(project, 'reports', 'runs', record.runId);
    const summary = JSON.parse(await readFile(join(runDir, 'summary.json'), 'utf8')) as { metrics: Record<string, { count?: number; thresholds?: Record<string, boolean> }> };
    assert.equal(summary.metrics.http_reqs.count, 50);
    assert.equal(summary.metrics.iterations.count, 50);
    assert.deepEqual(summary.metrics.http_req_duration.thresholds, { 'p(90)<100': true }, 'failed (summary-export: true means failed)');
    assert.equal(summary.metrics['http_reqs{delay:slow}'].count, 10, 'submetric thresholds come from the rendered record');
    assert.equal((await readFile(join(runDir, 'exit-code'), 'utf8')).trim(), '99');
    const run = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as { runtime: string; engine: string; k8s: { runners: number } };
    assert.equal(run.runtime, 'kubernetes');
    assert.equal(run.k8s.runners, 2);
    assert.ok(existsSync(join(runDir, 'report.html')), 'the report of a local run');
    assert.ok(existsSync(join(runDir, 'samples.ndjson.gz')));

    // one runner's output alone: said, and its empty submetric is no silent pass
    const one = await harness(['k8s', 'merge', 'rendered', 'fast.json']);
    assert.match(one.stderr, /1 runner output\(s\) for a TestRun of parallelism 2/);
    assert.match(one.stderr, /threshold "count>=0" on http_reqs\{delay:slow\} matched no samples/);
    assert.equal(one.code, 99, one.stderr);
  });

  it('bad input is a one-line error (104) and leaves no run behind', async () => {
    const r = await harness(['k8s', 'merge', 'no-such-dir', 'x.json']);
    assert.equal(r.code, 104, r.stderr);
    assert.match(r.stderr, /no readable harness-k8s\.json/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
