import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { parse } from 'yaml';
import { freePort, runHarness, throwawayProject } from '../testing';
import { findRealK6, requireRealTool } from '../testing/real-tools';
import { operatorRunnerCommand, type TestRun } from './index';

type Result = { status: number | null; stdout: string; stderr: string };
function exec(file: string, args: string[], cwd: string): Promise<Result> {
  return new Promise((done) => {
    const child = execFile(file, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000, maxBuffer: 256 * 1024 * 1024 }, (_e, stdout, stderr) => done({ status: child.exitCode, stdout, stderr }));
  });
}

/**
 * A rendered TestRun's runners run locally with real k6 v0.48 exactly as k6-operator v1.6.0 starts
 * them (segment flags, the spec's args, instance tags), their `kubectl logs`-like output merged:
 * the merged counts equal one unsegmented k6 run's. Skips, saying why, without real k6.
 */
describe('k8s: rendered TestRun runners with real k6, merged', function () {
  this.timeout(240_000);
  let project: string;
  let server: Server;
  let base: string;
  const SCRIPT = `import http from 'k6/http';
import { check } from 'k6';
export const options = {
  scenarios: {
    shared: { executor: 'shared-iterations', vus: 4, iterations: 50 },
    pervu: { executor: 'per-vu-iterations', vus: 3, iterations: 4 },
  },
  thresholds: { http_req_failed: ['rate==0'], checks: ['rate==1'] },
};
export default function () {
  check(http.get(__ENV.BASE_URL + '/'), { ok: (r) => r.status === 200 });
}
`;

  before(async function () {
    requireRealTool(this, findRealK6());
    project = await throwawayProject('k8s-operator-');
    await writeFile(join(project, 'operator-test.js'), SCRIPT);
    const port = await freePort();
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    server?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('3 segmented runners merge to the counts of one k6 run, thresholds judged once (exit 0)', async () => {
    const k6 = findRealK6();
    assert.ok(k6.found);
    const render = await runHarness(['k8s', 'render', 'operator-test.js', '--parallelism', '3', '--target-url', base, '--out', 'rendered'], { cwd: project, timeoutMs: 120_000 });
    assert.equal(render.code, 0, render.stderr);
    const run = parse(await readFile(join(project, 'rendered', 'testrun.yaml'), 'utf8')) as TestRun;
    const cm = parse(await readFile(join(project, 'rendered', 'script.yaml'), 'utf8')) as { data: Record<string, string> };
    await writeFile(join(project, 'mounted.js'), cm.data[run.spec.script.configMap.file!]);
    const logs: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const [, ...argv] = operatorRunnerCommand(run, i, 'mounted.js', { address: `127.0.0.1:${await freePort()}` });
      const r = await exec(k6.tool.path, argv, project);
      assert.equal(r.status, 0, r.stderr);
      logs.push(`runner-${i}.log`);
      await writeFile(join(project, `runner-${i}.log`), r.stderr + r.stdout); // `kubectl logs`: both streams
    }
    const whole = await exec(k6.tool.path, ['run', '--quiet', '--summary-export', 'whole.json', '--env', `BASE_URL=${base}`, 'operator-test.js'], project);
    assert.equal(whole.status, 0, whole.stderr);
    const wholeSummary = JSON.parse(await readFile(join(project, 'whole.json'), 'utf8')) as { metrics: Record<string, { count: number }> };

    const merge = await runHarness(['k8s', 'merge', 'rendered', ...logs], { cwd: project, timeoutMs: 120_000 });
    assert.equal(merge.code, 0, merge.stderr);
    const perRunner = [...merge.stderr.matchAll(/runner-\d\.log: (\d+) iterations/g)].map((m) => Number(m[1]));
    assert.equal(perRunner.length, 3);
    assert.ok(perRunner.every((n) => n > 0), `every segment ran iterations: ${perRunner.join(', ')}`);
    const record = JSON.parse(await readFile(join(project, 'rendered', 'harness-k8s.json'), 'utf8')) as { runId: string };
    const merged = JSON.parse(await readFile(join(project, 'reports', 'runs', record.runId, 'summary.json'), 'utf8')) as { metrics: Record<string, { count: number }> };
    assert.equal(merged.metrics.iterations.count, wholeSummary.metrics.iterations.count);
    assert.equal(merged.metrics.iterations.count, 50 + 3 * 4);
    assert.equal(merged.metrics.http_reqs.count, wholeSummary.metrics.http_reqs.count);
    assert.equal(perRunner.reduce((a, b) => a + b, 0), 62);
  });
});
