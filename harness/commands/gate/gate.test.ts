import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGateRun } from '../../gate/testing/write-gate-run';
import { runHarness } from '../../testing';

const writeRun = writeGateRun;

describe('harness baseline save / harness gate (the binary, synthetic runs)', function () {
  this.timeout(120_000);
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'harness-gate-'))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('saves runs under a name (small files), passes an equal run, fails a 30% slower one with exit 112', async () => {
    writeRun(cwd, '20261130T060000-base-0001', { latencyMs: 10, seed: 1 });
    writeRun(cwd, '20261130T060100-base-0002', { latencyMs: 10, seed: 2 });
    for (const id of ['20261130T060000-base-0001', '20261130T060100-base-0002']) {
      const r = await runHarness(['baseline', 'save', id, '--name', 'main'], { cwd });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), join('reports/baselines/main', `${id}.json`));
    }
    const files = readdirSync(join(cwd, 'reports/baselines/main'));
    assert.equal(files.length, 2);
    for (const f of files) assert.ok(statSync(join(cwd, 'reports/baselines/main', f)).size < 64 * 1024, `${f} is small enough to commit`);
    const saved = JSON.parse(readFileSync(join(cwd, 'reports/baselines/main', files[0]!), 'utf8'));
    assert.equal(saved.environment.runtime, 'local');
    assert.ok(saved.series.some((s: { metric: string; hist?: string; tags: object }) => s.metric === 'http_req_duration' && s.hist && Object.keys(s.tags).length === 0));

    const same = writeRun(cwd, '20261130T060200-same-0003', { latencyMs: 10, seed: 3 });
    const ok = await runHarness(['gate', same, '--baseline', 'main'], { cwd });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /PASSED: no regression/);
    assert.match(ok.stderr, /0 regressed/);

    const slow = writeRun(cwd, '20261130T060300-slow-0004', { latencyMs: 13, seed: 4 });
    const bad = await runHarness(['gate', 'latest', '--baseline', 'main'], { cwd });
    assert.equal(bad.code, 112, bad.stderr);
    assert.match(bad.stderr, /REGRESSED\s+http_req_duration p95\s/);
    assert.match(bad.stdout, /FAILED: performance regression.*exit 112/);
    const md = readFileSync(join(slow, 'gate.md'), 'utf8');
    assert.match(md, /^## Performance gate: FAILED/);
    assert.match(md, /\| REGRESSED \| http_req_duration p10 \|/);
    const junit = readFileSync(join(slow, 'gate.junit.xml'), 'utf8');
    assert.match(junit, /<testcase name="http_req_duration p95" classname="gate.http_req_duration" time="0"><failure /);
    assert.ok(existsSync(join(slow, 'gate.json')));
  });

  it('--keep N makes a rolling baseline: the newest N runs stay, older ones go; a bad N is exit 104 and saves nothing', async () => {
    const ids = ['20261130T060000-base-0001', '20261130T060100-base-0002', '20261130T060200-base-0003', '20261130T060300-base-0004'];
    ids.forEach((id, i) => writeRun(cwd, id, { latencyMs: 10, seed: i + 1 }));
    for (const id of ids) assert.equal((await runHarness(['baseline', 'save', id, '--name', 'main', '--keep', '3'], { cwd })).code, 0);
    assert.deepEqual(readdirSync(join(cwd, 'reports/baselines/main')).sort(), ids.slice(1).map((id) => `${id}.json`));
    const last = await runHarness(['baseline', 'save', ids[3]!, '--name', 'main', '--keep', '2'], { cwd });
    assert.match(last.stderr, /now holds 2 run\(s\) \(--keep 2: dropped the oldest 1\)/);
    for (const bad of ['0', '1.5', 'many']) {
      const r = await runHarness(['baseline', 'save', ids[0]!, '--name', 'other', '--keep', bad], { cwd });
      assert.equal(r.code, 104, `--keep ${bad}: ${r.stderr}`);
      assert.match(r.stderr, /--keep must be a whole number of runs/);
      assert.equal(existsSync(join(cwd, 'reports/baselines/other')), false);
    }
  });

  it('more errors and failing checks fail the gate', async () => {
    writeRun(cwd, '20261130T060000-base-0001', { latencyMs: 10 });
    assert.equal((await runHarness(['baseline', 'save', 'latest', '--name', 'main'], { cwd })).code, 0);
    const dir = writeRun(cwd, '20261130T060100-errs-0002', { latencyMs: 10, failEvery: 10, seed: 9 });
    const r = await runHarness(['gate', dir, '--baseline', 'main'], { cwd });
    assert.equal(r.code, 112, r.stderr);
    assert.match(r.stderr, /REGRESSED\s+http_req_failed rate\s/);
    assert.match(r.stderr, /REGRESSED\s+checks failure rate\{check=accepted 202\}/);
  });

  it('no silent passes: a threshold that matched no samples fails the gate (99) by name, unless optional', async () => {
    writeRun(cwd, '20261130T060000-base-0001', { latencyMs: 10 });
    assert.equal((await runHarness(['baseline', 'save', 'latest', '--name', 'main'], { cwd })).code, 0);
    const dir = writeRun(cwd, '20261130T060100-typo-0002', { latencyMs: 10, seed: 5 });
    // as both engines write it: every threshold, submetrics included (`true` = failed)
    writeFileSync(
      join(dir, 'summary.json'),
      JSON.stringify({ metrics: { http_req_duration: { 'p(95)': 12, thresholds: { 'p(95)<500': false } }, 'http_req_duration{name:POST /telemetri}': { 'p(95)': 0, thresholds: { 'p(95)<200': false } }, 'checks{check:accepted 202}': { value: 1, thresholds: { 'rate>0.9': false } } } }),
    );
    const r = await runHarness(['gate', dir, '--baseline', 'main'], { cwd });
    assert.equal(r.code, 99, r.stderr);
    assert.match(r.stderr, /threshold "p\(95\)<200" on http_req_duration\{name:POST \/telemetri\} matched no samples/);
    assert.doesNotMatch(r.stderr, /on checks\{check:accepted 202\} matched|on http_req_duration matched/);
    assert.match(r.stdout, /FAILED: a threshold matched no samples\s+\(exit 99\)/);
    writeFileSync(join(cwd, 'harness.config.mjs'), "export default { gate: { optionalThresholds: ['http_req_duration{name:POST /telemetri}'] } };\n");
    const optional = await runHarness(['gate', dir, '--baseline', 'main'], { cwd });
    assert.equal(optional.code, 0, optional.stderr);
  });

  it('no silent passes for gate entries: a gate.series key that selects nothing is exit 104 naming it (gate and run --baseline, before anything starts), unless optional', async () => {
    writeRun(cwd, '20261130T060000-base-0001', { latencyMs: 10 });
    assert.equal((await runHarness(['baseline', 'save', 'latest', '--name', 'main'], { cwd })).code, 0);
    const dir = writeRun(cwd, '20261130T060100-cand-0002', { latencyMs: 10, seed: 5 });
    writeFileSync(join(cwd, 'harness.config.mjs'), "export default { gate: { series: { 'http_req_duration{name:POST /telemetri}': { latencyTolerance: 0.5 } } } };\n");
    const r = await runHarness(['gate', dir, '--baseline', 'main'], { cwd });
    assert.equal(r.code, 104, r.stderr);
    assert.match(r.stderr, /gate\.series\["http_req_duration\{name:POST \/telemetri\}"\] matched no series of baseline "main": a typo in the metric or tag\?; it has http_req_duration, http_req_duration\{method:POST,name:POST \/telemetry\}/);
    assert.ok(!existsSync(join(dir, 'gate.md')), 'nothing was compared');
    const run = await runHarness(['run', 'smoke', '--runtime', 'local', '--baseline', 'main'], { cwd });
    assert.equal(run.code, 104, run.stderr);
    assert.match(run.stderr, /matched no series of baseline "main"/);
    assert.ok(!existsSync(join(cwd, 'reports/runs')) || readdirSync(join(cwd, 'reports/runs')).length === 2, 'no run directory: nothing started');
    writeFileSync(join(cwd, 'harness.config.mjs'), "export default { gate: { series: { 'http_req_duration{name:POST /telemetri}': { latencyTolerance: 0.5, optional: true } } } };\n");
    const optional = await runHarness(['gate', dir, '--baseline', 'main'], { cwd });
    assert.equal(optional.code, 0, optional.stderr);
    assert.ok(existsSync(join(dir, 'compare.html')), 'compare.html beside gate.md');
  });

  it('repeated runs: more runs after the first are pooled into one candidate (n times the windows, so short runs get tested)', async () => {
    writeRun(cwd, '20261130T060000-base-0001', { latencyMs: 10, seconds: 4, seed: 1 });
    writeRun(cwd, '20261130T060100-base-0002', { latencyMs: 10, seconds: 4, seed: 2 });
    for (const id of ['20261130T060000-base-0001', '20261130T060100-base-0002']) assert.equal((await runHarness(['baseline', 'save', id, '--name', 'main'], { cwd })).code, 0);
    const one = writeRun(cwd, '20261130T060200-slow-0003', { latencyMs: 13, seconds: 4, seed: 3 });
    const two = writeRun(cwd, '20261130T060300-slow-0004', { latencyMs: 13, seconds: 4, seed: 4 });
    const p95 = (dir: string) => JSON.parse(readFileSync(join(dir, 'gate.json'), 'utf8')).rows.find((r: { statistic: string; tags: object }) => r.statistic === 'http_req_duration p95' && Object.keys(r.tags).length === 0);
    const single = await runHarness(['gate', one, '--baseline', 'main'], { cwd });
    assert.equal(single.code, 112, single.stderr);
    assert.equal(p95(one).test, 'none', 'a 4 s run: too few windows to test, the tolerance alone decides');
    const pooled = await runHarness(['gate', one, two, '--baseline', 'main'], { cwd });
    assert.equal(pooled.code, 112, pooled.stderr);
    assert.match(pooled.stderr, /gate of 2 runs pooled against baseline "main"/);
    assert.equal(p95(one).test, 'mann-whitney-u', '8 pooled windows: tested');
    assert.equal(p95(one).verdict, 'regressed');
    assert.match(readFileSync(join(one, 'gate.md'), 'utf8'), /run `20261130T060200-slow-0003\+20261130T060300-slow-0004`/);
  });

  it('a missing baseline or run is exit 104 with a hint; --baseline needs a value', async () => {
    const dir = writeRun(cwd, '20261130T060000-base-0001', { latencyMs: 10 });
    const r = await runHarness(['gate', dir, '--baseline', 'nope'], { cwd });
    assert.equal(r.code, 104);
    assert.match(r.stderr, /no baseline "nope".*\n\s+hint: record one: harness baseline save latest --name nope/);
    assert.equal((await runHarness(['gate', 'nowhere', '--baseline', 'main'], { cwd })).code, 104);
    const noValue = await runHarness(['gate', dir, '--baseline'], { cwd });
    assert.equal(noValue.code, 104);
    assert.match(noValue.stderr, /^harness gate: missing value for --baseline\n/);
    assert.equal((await runHarness(['baseline', 'save', dir, '--name', '../x'], { cwd })).code, 104);
  });
});
