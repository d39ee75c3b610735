import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HANDOFF_MS, withLoopTimeline } from '../../testing';
import { REFERENCE_DIR, runScript, type ScriptRun } from './run-script';
import { startConformanceServer, type ConformanceServer } from './server';

let srv: ConformanceServer;
const env = () => ({ BASE_URL: srv.url });

before(async () => {
  srv = await startConformanceServer();
});
after(() => srv?.close());
beforeEach(() => srv?.counts.clear());

/** For diagnostics: which checks failed. */
function failedChecks(r: ScriptRun): string[] {
  const out: string[] = [];
  const walk = (g: any) => {
    for (const c of Object.values<any>(g.checks ?? {})) if (c.fails) out.push(`${c.path} (${c.fails} fails)`);
    for (const sub of Object.values<any>(g.groups ?? {})) walk(sub);
  };
  if (r.summary) walk(r.summary.root_group);
  return out;
}

describe('k6 conformance: iteration-based executors (exact counts)', function () {
  this.timeout(30_000);
  it('shared-iterations + per-vu-iterations with exec, env, tags, startTime, setup/teardown data, groups', async () => {
    const { value: r, loop } = await withLoopTimeline(() => runScript('counts.js', { env: env() }));
    assert.equal(r.code, 0, `exit ${r.code}; failed checks: ${failedChecks(r)}\n${r.stderr}`);
    assert.equal(srv.count('POST /telemetry'), 10);
    assert.equal(srv.count('GET /health'), 8);
    assert.equal(srv.count('POST /echo'), 1, 'teardown ran once');
    assert.equal(r.count('iterations', { scenario: 'shared' }), 10);
    assert.equal(r.count('iterations', { scenario: 'pervu' }), 8);
    assert.equal(r.count('http_reqs', { scenario: 'shared', kind: 'shared', endpoint: 'telemetry' }), 10);
    assert.equal(r.count('http_reqs', { scenario: 'pervu', group: '::health' }), 8);
    assert.equal(r.count('http_reqs', { group: '::teardown' }), 1);
    assert.equal(r.sum('checks'), r.count('checks'));
    assert.equal(r.count('checks'), 10 * 4 + 8 * 6);
    assert.equal(r.count('group_duration', { group: '::health' }), 8);
    assert.equal(r.summary.metrics.conf_sent.count, 18);
    assert.equal(r.summary.metrics.conf_ok.value, 1);
    // startTime: 300ms. Not before (the 'pervu startTime' check, on the engine's clock, passed
    // above); not much after: pervu's first iteration came 300 ms after the scenarios began (shared's
    // first iteration started then or later), late by at most what the event loop was late then.
    const pervuStart = r.iterationStarts('pervu')[0];
    const gap = pervuStart - r.iterationStarts('shared')[0];
    assert.ok(gap <= 300 + loop.lateAt(pervuStart), `startTime: pervu began ${gap.toFixed(1)} ms after shared (300 ms; the event loop ran up to ${loop.lateAt(pervuStart).toFixed(1)} ms late then)`);
    assert.match(r.stdout, /\* pervu: 4 iterations for each of 2 VUs \(maxDuration: 10m0s, exec: pervu, startTime: 300ms, gracefulStop: 5s\)/);
    assert.match(r.stdout, /\* shared: 10 iterations shared among 3 VUs \(maxDuration: 10m0s, exec: shared, gracefulStop: 30s\)/);
    assert.match(r.stdout, /scenarios: \(100\.00%\) 2 scenarios, 5 max VUs, 10m30s max duration \(incl\. graceful stop\):/);
    for (const t of ['http_reqs{scenario:shared}', 'checks', 'conf_sent']) assert.ok(Object.values<any>(r.summary.metrics[t].thresholds).every((x) => x === false || x.ok !== false), t);
  });
});

describe('k6 conformance: looping executors', function () {
  this.timeout(30_000);
  it('constant-vus and ramping-vus run for their duration; gracefulStop interrupts a stuck iteration', async () => {
    const { value: r, loop } = await withLoopTimeline(() => runScript('vus.js', { env: env() }));
    assert.equal(r.code, 0, r.stderr);
    // constant: 2 VUs for 1 s, an iteration lasting at least its 100 ms sleep. How many fit depends
    // on the machine; what the executor promises does not: no iteration begins after the end, each
    // VU begins its next iteration as soon as one ends (late by at most what the event loop was
    // late then), and both VUs stop only at the end: their last iteration ended at it or later, or
    // so shortly before it that the event loop did not run again until the end. `s0`, the first
    // iteration's start, is at most as late after the scenario's start as the event loop was then.
    const constant = r.count('iterations', { scenario: 'constant' });
    assert.ok(constant >= 2 && constant <= 22, `constant-vus iterations ${constant}`);
    const its = r.samples.filter((s) => s.metric === 'iteration_duration' && s.tags.scenario === 'constant').map((s) => ({ start: s.time - s.value, end: s.time }));
    const s0 = Math.min(...its.map((i) => i.start));
    const end = s0 + 1000;
    const endNoEarlierThan = end - loop.lateAt(s0) - loop.lateAt(end) - 1;
    assert.ok(its.every((i) => i.start < end + 1), `constant: an iteration began after the end of the duration`);
    const busyAtEnd = its.filter((i) => i.end >= endNoEarlierThan).length;
    assert.ok(busyAtEnd >= 2, `constant: only ${busyAtEnd} of the 2 VUs still looping at the end of the duration`);
    for (const e of its.map((i) => i.end).filter((t) => t < endNoEarlierThan)) {
      const next = its.find((i) => i.start >= e - 1 && i.start <= e + loop.lateAt(i.start));
      assert.ok(next, `constant: the VU whose iteration ended ${(e - s0).toFixed(1)} ms in did not loop at once`);
    }
    assert.ok(r.count('iterations', { scenario: 'ramp' }) >= 3);
    assert.equal(r.count('iterations', { scenario: 'stuck' }), 0);
    assert.equal(r.count('data_sent', { scenario: 'stuck' }), 1, 'the interrupted iteration reports its bytes');
    assert.match(r.stdout, / and 1 interrupted iterations/);
    assert.match(r.stdout, /\* ramp: Up to 3 looping VUs for 1s over 2 stages \(gracefulRampDown: 100ms, exec: quick, gracefulStop: 30s\)/);
    // stuck: interrupted at the end of duration + gracefulStop (1300 ms after the scenarios
    // started), never before and at most as late as the event loop ran then
    const [stuckAt] = r.samples.filter((s) => s.metric === 'data_sent' && s.tags.scenario === 'stuck').map((s) => s.time);
    const at = stuckAt - s0;
    assert.ok(at >= 1299 - loop.lateAt(s0), `stuck: interrupted ${at.toFixed(1)} ms in, before duration + gracefulStop (1300 ms)`);
    assert.ok(at <= 1300 + loop.lateAt(stuckAt) + HANDOFF_MS, `stuck: interrupted ${at.toFixed(1)} ms in; due at 1300 ms and the event loop ran at most ${loop.lateAt(stuckAt).toFixed(1)} ms late then`);
    const vusMax = r.samples.filter((s) => s.metric === 'vus_max');
    assert.ok(vusMax.length >= 1 && vusMax.every((s) => s.value === 6), JSON.stringify(vusMax.map((s) => s.value)));
  });
});

describe('k6 conformance: arrival-rate executors', function () {
  this.timeout(30_000);
  it('constant and ramping arrival rates: every tick started or dropped, on schedule; dropped_iterations when VUs run out', async () => {
    const { value: r, loop } = await withLoopTimeline(() => runScript('arrival.js', { env: env() }));
    assert.equal(r.code, 0, r.stderr);
    // constant, 50/s for 2s: ticks at 0, 20, ..., 1980 ms, each started or (no idle VU) dropped
    const done = r.count('iterations', { scenario: 'constant' });
    const dropped = r.sum('dropped_iterations', { scenario: 'constant' });
    assert.equal(done + dropped, 100, `constant: ${done} iterations + ${dropped} dropped for 50/s over 2s`);
    assert.ok(done > 0);
    assert.equal(r.count('http_reqs', { scenario: 'constant' }), done);
    // The k-th iteration started at tick j_k (j_i + k - i <= j_k <= j_i + k - i + dropped for
    // i < k), never before it and at most as late as the event loop was then, so iteration k
    // started [20(k - i) - late(i), 20(k - i + dropped) + late(k)] ms after iteration i: the rate, and no drift.
    const starts = r.iterationStarts('constant');
    const late = starts.map((t) => loop.lateAt(t));
    for (let i = 0; i < starts.length; i++) {
      for (let k = i + 1; k < starts.length; k++) {
        const gap = starts[k] - starts[i];
        const [lo, hi] = [(k - i) * 20 - late[i], (k - i + dropped) * 20 + late[k]];
        assert.ok(gap >= lo && gap <= hi, `constant: iteration ${k} started ${gap.toFixed(1)} ms after iteration ${i}, not in [${lo.toFixed(1)}, ${hi.toFixed(1)}] (the ticks between, and how late the event loop ran)`);
      }
    }
    const ramp = r.count('iterations', { scenario: 'ramping' });
    const rampDropped = r.sum('dropped_iterations', { scenario: 'ramping' });
    // the tick due at the very end of the duration may or may not start
    assert.ok(Math.abs(ramp + rampDropped - 60) <= 1, `ramping: ${ramp} iterations + ${rampDropped} dropped, expected 60 (integral of 0->40/s over 1s, then 40/s for 1s)`);
    const starved = r.count('iterations', { scenario: 'starved' });
    const starvedDropped = r.sum('dropped_iterations', { scenario: 'starved' });
    assert.equal(starved + starvedDropped, 20);
    // one VU, 250 ms an iteration, 1 s: at most 4 or 5 of the 20 ticks find it idle
    assert.ok(starvedDropped >= 15, `dropped ${starvedDropped}`);
    assert.match(r.stdout, /\* constant: 50\.00 iterations\/s for 2s \(maxVUs: 4, exec: hit, gracefulStop: 30s\)/);
    assert.match(r.stdout, /\* ramping: Up to 40\.00 iterations\/s for 2s over 2 stages \(maxVUs: 4-8, exec: hit, gracefulStop: 30s\)/);
    assert.equal(r.summary.metrics.dropped_iterations.count, dropped + rampDropped + starvedDropped);
  });
});

describe('k6 conformance: thresholds and exit codes', function () {
  this.timeout(30_000);
  it('failing thresholds: exit 99, verdicts in summary-export, submetric without samples', async () => {
    const r = await runScript('thresholds-fail.js', { env: env() });
    assert.equal(r.code, 99);
    assert.equal(srv.count('POST /telemetry'), 9);
    const m = r.summary.metrics;
    assert.deepEqual(m.http_req_duration.thresholds, { 'p(95)<0.0001': true });
    assert.deepEqual(m.http_req_failed.thresholds, { 'rate<0.01': true });
    assert.deepEqual(m['http_reqs{status:400}'].thresholds, { 'count==9': false });
    assert.ok(m['http_req_duration{status:202}'], 'a submetric with thresholds but no samples is reported');
    assert.match(r.stderr, /level=error msg="thresholds on metrics 'http_req_duration, http_req_failed' have been crossed"/);
    assert.match(r.stdout, /✗ is 202\n\s+↳  0% — ✓ 0 \/ ✗ 9/);
  });

  it('--no-thresholds: the same run exits 0', async () => {
    assert.equal((await runScript('thresholds-fail.js', { env: env(), flags: ['--no-thresholds'] })).code, 0);
  });

  it('abortOnFail stops the test early with exit 99', async () => {
    const r = await runScript('abort-on-fail.js', { env: env() });
    assert.equal(r.code, 99);
    // early: the thresholds are judged every 2 s, so the run ends long before its 20 s, which it
    // could never end before if abortOnFail did nothing (how much earlier depends on the machine)
    assert.ok(r.ms < 20_000, `took ${r.ms} ms of a 20 s test`);
    assert.match(r.stderr, /abortOnFail/);
  });

  it('invalid thresholds and invalid scenarios: exit 104, every problem listed, nothing sent', async () => {
    const a = await runScript('invalid-threshold.js', { env: env() });
    assert.equal(a.code, 104);
    assert.match(a.stderr, /p95<200/);
    assert.match(a.stderr, /no_such_metric/);
    const b = await runScript('invalid-scenario.js', { env: env() });
    assert.equal(b.code, 104);
    assert.match(b.stderr, /scenarios\.ingest\.rate/);
    assert.match(b.stderr, /scenarios\.ingest\.duration: invalid duration "soon"/);
    assert.match(b.stderr, /scenarios\.ingest\.preAllocatedVUs: is required/);
    assert.match(b.stderr, /scenarios\.other\.executor: unknown executor "constant-vus-typo"; valid: /);
    assert.equal(srv.counts.size, 0);
    const c = await runScript('counts.js', { env: env(), flags: ['--vus', 'many', '--bogus'] });
    assert.equal(c.code, 104);
    assert.match(c.stderr, /--vus: invalid integer "many"/);
    assert.match(c.stderr, /unknown flag: --bogus/);
  });

  it('test.abort(): exit 108; init exception: 107; setup/teardown timeouts: 100/101', async () => {
    const ab = await runScript('test-abort.js', { env: env() });
    assert.equal(ab.code, 108);
    assert.match(ab.stderr, /enough for today/);
    // stopped at once: iterations 0-4 made a request each; every later one (at most one in flight
    // per VU) made its request and then aborted
    assert.ok(srv.count('GET /health') <= 5 + 2, `${srv.count('GET /health')} requests after test.abort() at iteration 5`);
    const ie = await runScript('init-exception.js', { env: env() });
    assert.equal(ie.code, 107);
    assert.match(ie.stderr, /JSON|Unexpected token/);
    assert.equal((await runScript('setup-timeout.js', { env: env() })).code, 100);
    assert.equal((await runScript('teardown-timeout.js', { env: env() })).code, 101);
  });

  it('SIGINT (the command signal): graceful stop, teardown still runs, exit 105', async () => {
    const ctrl = new AbortController();
    let signalledAt = Infinity;
    // once the test is under way (3 requests seen), not after a fixed time: a signal that lands
    // during init on a slow machine stops the run before setup, and so without teardown
    const poll = setInterval(() => {
      if (srv.count('GET /health') < 3) return;
      clearInterval(poll);
      signalledAt = performance.timeOrigin + performance.now();
      ctrl.abort();
    }, 10);
    const r = await runScript('sigint.js', { env: env(), signal: ctrl.signal }).finally(() => clearInterval(poll));
    assert.equal(r.code, 105);
    // stopped on the signal, not at the end of its 20 s: no iteration began after it
    const late = r.iterationStarts('default').filter((t) => t > signalledAt);
    assert.equal(late.length, 0, `${late.length} iterations began after the signal`);
    assert.equal(srv.count('POST /echo'), 1);
    assert.ok(r.summary, 'the summary is still written');
  });
});

describe('k6 conformance: modules (TypeScript script compiled on the fly)', function () {
  this.timeout(30_000);
  it('k6, k6/http, k6/metrics, k6/execution, k6/data, k6/encoding, k6/crypto', async () => {
    const r = await runScript('modules.ts', { env: env() });
    assert.deepEqual(failedChecks(r), []);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.count('group_duration', { group: '::outer::inner' }), 4);
    assert.equal(r.count('http_reqs', { endpoint: 'echo', suite: 'modules', method: 'POST' }), 4);
    assert.ok(r.count('http_req_failed', { expected_response: 'true', status: '404' }) === 4);
  });
});

describe('k6 conformance: output formats vs the k6 v0.48 reference recordings', function () {
  this.timeout(30_000);
  const load = (text: string) => {
    const metrics = new Map<string, any>();
    const tagKeys = new Map<string, Set<string>>();
    for (const line of text.split('\n').filter(Boolean)) {
      const o = JSON.parse(line);
      if (o.type === 'Metric') metrics.set(o.metric, o.data);
      else {
        const s = tagKeys.get(o.metric) ?? new Set();
        s.add(Object.keys(o.data.tags).sort().join(','));
        tagKeys.set(o.metric, s);
        assert.match(o.data.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
      }
    }
    return { metrics, tagKeys };
  };

  it('ref.js: --out json, --summary-export and handleSummary data have the reference structure', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k6-ref-'));
    await copyFile(join(REFERENCE_DIR, 'ref.js'), join(dir, 'ref.js'));
    const r = await runScript(join(dir, 'ref.js'), { env: env(), keepDir: true });
    assert.equal(r.code, 99, 'the three 404s of probe cross http_req_failed rate<0.01, as in the recording');
    const ours = load(await readFile(join(r.dir, 'points.ndjson'), 'utf8'));
    const ref = load(await readFile(join(REFERENCE_DIR, 'out-json.ndjson'), 'utf8'));
    assert.deepEqual([...ours.metrics.keys()].sort(), [...ref.metrics.keys()].sort());
    for (const [k, v] of ref.metrics) assert.deepEqual(ours.metrics.get(k), v, `Metric line of ${k}`);
    for (const [k, v] of ref.tagKeys) {
      const normal = (s: Set<string>) => [...s].map((x) => x.replace(/127\.0\.0\.1:\d+/g, 'HOST')).sort();
      assert.deepEqual(normal(ours.tagKeys.get(k)!), normal(v), `tag keys of ${k}`);
    }
    const se = JSON.parse(await readFile(join(r.dir, 'summary.json'), 'utf8'));
    const seRef = JSON.parse(await readFile(join(REFERENCE_DIR, 'summary-export.json'), 'utf8'));
    assert.deepEqual(Object.keys(se).sort(), Object.keys(seRef).sort());
    assert.deepEqual(Object.keys(se.metrics).sort(), Object.keys(seRef.metrics).sort());
    for (const k of Object.keys(seRef.metrics)) assert.deepEqual(Object.keys(se.metrics[k]).sort(), Object.keys(seRef.metrics[k]).sort(), k);
    const hs = JSON.parse(await readFile(join(r.dir, 'handle-summary-data.json'), 'utf8'));
    const hsRef = JSON.parse(await readFile(join(REFERENCE_DIR, 'handle-summary-data.json'), 'utf8'));
    assert.deepEqual(Object.keys(hs).sort(), Object.keys(hsRef).sort());
    for (const k of Object.keys(hsRef.metrics)) {
      assert.deepEqual(Object.keys(hs.metrics[k]).sort(), Object.keys(hsRef.metrics[k]).sort(), k);
      assert.deepEqual(Object.keys(hs.metrics[k].values).sort(), Object.keys(hsRef.metrics[k].values).sort(), k);
    }
    const strip = (g: any): any => ({ ...g, checks: g.checks.map((c: any) => ({ ...c, passes: 0 })), groups: g.groups.map(strip) });
    assert.deepEqual(strip(hs.root_group), strip(hsRef.root_group));
    assert.equal(hs.root_group.groups[1].checks[0].passes, 3);
    // stdout: handleSummary replaced the summary; banner, header and progress blocks as recorded
    const refStdout = await readFile(join(REFERENCE_DIR, 'stdout.txt'), 'utf8');
    const head = (s: string) => s.slice(0, s.indexOf('\nrunning ('));
    assert.equal(head(r.stdout).replace(`script: ${join(dir, 'ref.js')}`, 'script: ref.js').replace('points.ndjson', 'X'), head(refStdout).replace('points.ndjson', 'X'));
    // the clock may pass 3 s on a loaded machine (graceful end of the 2 s scenario); the rest is exact
    assert.match(r.stdout, /handleSummary replaced stdout\n\nrunning \(00m0[23]\.\ds\), 0\/6 VUs, 4\d complete and 0 interrupted iterations\ningest ✓ \[ 100% \] 0\/5 VUs  2s {14}20\.00 iters\/s\nprobe  ✓ \[ 100% \] 1 VUs    00m00\.\ds\/10m0s  3\/3 iters, 3 per VU\n$/);
  });

  it('ref2.js: shared-iterations summary text as recorded (exit 99)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k6-ref-'));
    await copyFile(join(REFERENCE_DIR, 'ref2.js'), join(dir, 'ref2.js'));
    // ref2.js' `p(95)<1` (ms) must fail whatever the machine's speed: the target holds each POST 20 ms.
    const slow = await startConformanceServer({ delays: { 'POST /telemetry': 20 } });
    // k6 v0.48's text: the engine's default is k6 v2's compact layout (see the next test)
    const r = await runScript(join(dir, 'ref2.js'), { env: { BASE_URL: slow.url }, flags: ['--summary-mode', 'legacy'] }).finally(() => slow.close());
    assert.equal(r.code, 99, r.stderr);
    assert.equal(slow.count('POST /telemetry'), 9);
    // libuv keeps its clock in whole milliseconds, so a 20 ms timer can fire after 19.x ms of real time.
    const durations = r.samples.filter((s) => s.metric === 'http_req_duration').map((s) => s.value);
    assert.ok(durations.length === 9 && durations.every((v) => v >= 19), `every request took the 20 ms delay: ${durations.join(', ')}`);
    // the recording ends with the start of a stderr line that leaked into it
    const ref = (await readFile(join(REFERENCE_DIR, 'stdout2.txt'), 'utf8')).replace(/time="[^\n]*\n?$/, '');
    const shape = (s: string) =>
      s
        .split('\n')
        .map((l) => l.replace(/:.*$/, ':').replace(/\d/g, '0'))
        .join('\n');
    assert.equal(shape(r.stdout.replace(/script: .*/, 'script: ref2.js')), shape(ref));
    assert.match(r.stdout, /default ✓ \[ 100% \] 3 VUs  00m00\.\ds\/10m0s  9\/9 shared iters\n$/);
  });

  it('ref2.js without --summary-mode: k6 v2\'s compact summary, where the v0.48 recording has the v0.48 text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k6-ref-'));
    await copyFile(join(REFERENCE_DIR, 'ref2.js'), join(dir, 'ref2.js'));
    const slow = await startConformanceServer({ delays: { 'POST /telemetry': 20 } });
    const r = await runScript(join(dir, 'ref2.js'), { env: { BASE_URL: slow.url } }).finally(() => slow.close());
    assert.equal(r.code, 99, r.stderr);
    const ref = await readFile(join(REFERENCE_DIR, 'stdout2.txt'), 'utf8');
    // v0.48: one block, `✗ http_req_duration..: ...` with the threshold marks on the metric lines
    assert.match(ref, /✗ http_req_duration\.+: avg=/);
    assert.doesNotMatch(ref, /TOTAL RESULTS/);
    // v2: the thresholds first (the submetric under its parent), then the totals by section
    assert.match(r.stdout, /\n\n  █ THRESHOLDS \n\n    http_req_duration\n    ✗ 'p\(95\)<1' p\(95\)=\d+(\.\d+)?ms\n\n      \{status:202\}\n      ✓ 'max<0\.001' max=0s\n/);
    assert.match(r.stdout, /█ TOTAL RESULTS \n\n    checks_total\.{7}: 9 +\S+\/s\n    checks_succeeded\.{3}: 0\.00% +0 out of 9\n    checks_failed\.{6}: 100\.00% 9 out of 9\n\n    ✗ is 202\n      ↳  0% — ✓ 0 \/ ✗ 9\n/);
    assert.match(r.stdout, /\n    HTTP\n    http_req_duration\.{4}: avg=.*\n      \{ status:202 \}\.{5}: avg=0s +min=0s/);
    // compact leaves out the request phases that v0.48 lists
    assert.match(ref, /http_req_blocked\.+:/);
    assert.doesNotMatch(r.stdout, /http_req_blocked|http_req_waiting/);
  });
});

// Real k6 and the built-in engine side by side (exit codes, metric names, counts): real-k6.test.ts.
