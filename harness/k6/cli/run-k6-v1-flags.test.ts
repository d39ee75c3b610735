/** `harness k6 run` flags of k6 v1/v2: --summary-mode and --secret-source (with log redaction). */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureContext } from '../../testing/command-context';
import { ExitCode } from '../../errors';
import { runK6 } from './run-k6';

const SCRIPT = `
import { check, group } from 'k6';
import secrets from 'k6/secrets';
export const options = { iterations: 2, thresholds: { checks: ['rate>0.4'] } };
export default async function () {
  const token = await secrets.get('token');
  console.log('using token ' + token);
  check(1, { 'one is one': (x) => x === 1, 'one is two': (x) => x === 2 });
  group('g1', () => { check(1, { 'inner ok': () => true }); });
}
`;

describe('harness k6 run: k6 v1/v2 flags', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'k6-v1-flags-'));
    writeFileSync(join(dir, 's.js'), SCRIPT);
    writeFileSync(join(dir, 'secrets.txt'), 'token=tok-9f8e7d\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (flags: string[], env: Record<string, string> = {}) => {
    const ctx = captureContext(dir, { env });
    const code = await runK6(['run', '-q', '--secret-source', 'file=secrets.txt', ...flags, 's.js'], ctx);
    return { code, out: ctx.out(), err: ctx.err() };
  };

  it('--secret-source file=: the script reads the value; the log shows ***SECRET_REDACTED***', async () => {
    const r = await run(['--summary-mode', 'disabled']);
    assert.equal(r.code, ExitCode.Ok, r.err);
    assert.match(r.err, /using token \*\*\*SECRET_REDACTED\*\*\*/);
    assert.doesNotMatch(r.err + r.out, /tok-9f8e7d/);
  });

  it('--summary-mode compact: THRESHOLDS and TOTAL RESULTS with checks_total/succeeded/failed; full adds GROUP sections', async () => {
    const compact = await run(['--summary-mode', 'compact']);
    assert.equal(compact.code, ExitCode.Ok, compact.err);
    assert.match(compact.out, /█ THRESHOLDS \n\n {4}checks\n {4}✓ 'rate>0\.4' rate=66\.66%/);
    assert.match(compact.out, /█ TOTAL RESULTS \n\n {4}checks_total\.+: 6 /);
    assert.match(compact.out, /checks_succeeded\.+: 66\.66% 4 out of 6\n {4}checks_failed\.+: 33\.33% 2 out of 6/);
    assert.match(compact.out, /✓ inner ok/, 'compact lists the checks of groups in the totals');
    assert.doesNotMatch(compact.out, /GROUP: g1/);
    assert.match(compact.out, /EXECUTION\n {4}iteration_duration\.+: avg=/);
    const full = await run(['--summary-mode', 'full']);
    // a group: its own checks block (totals of its checks), then its checks
    assert.match(full.out, /█ GROUP: g1 \n\n {4}checks_total\.{7}: 2 +\S+\/s\n {4}checks_succeeded\.{3}: 100\.00% 2 out of 2\n {4}checks_failed\.{6}: 0\.00% +0 out of 2\n\n {4}✓ inner ok\n/);
    // the totals list every check of the test in full mode too
    assert.match(full.out, /TOTAL RESULTS[^█]*✓ inner ok/);
  });

  it('the default is k6 v2\'s compact; --summary-mode legacy is k6 v0.48\'s text; K6_SUMMARY_MODE=disabled prints none; a bad mode is 104', async () => {
    const byDefault = await run([]);
    assert.match(byDefault.out, /█ TOTAL RESULTS/);
    assert.doesNotMatch(byDefault.out, /GROUP: g1|█ g1/);
    const legacy = await run(['--summary-mode', 'legacy']);
    assert.match(legacy.out, /█ g1/);
    assert.doesNotMatch(legacy.out, /TOTAL RESULTS/);
    const legacyEnv = await run([], { K6_SUMMARY_MODE: 'legacy' });
    assert.match(legacyEnv.out, /█ g1/);
    const none = await run([], { K6_SUMMARY_MODE: 'disabled' });
    assert.equal(none.code, ExitCode.Ok);
    assert.doesNotMatch(none.out, /iteration_duration/);
    const bad = await run(['--summary-mode', 'short']);
    assert.equal(bad.code, ExitCode.InvalidConfig);
    assert.match(bad.err, /invalid summary mode "short"; valid: compact, full, disabled, legacy/);
    const badSource = await run(['--secret-source', 'vault=x']);
    assert.equal(badSource.code, ExitCode.InvalidConfig);
    assert.match(badSource.err, /no secret source for type "vault"/);
  });
});

const SCENARIOS_SCRIPT = `
import { check, group } from 'k6';
import { Counter } from 'k6/metrics';
const hits = new Counter('hits');
export const options = {
  scenarios: {
    beta: { executor: 'shared-iterations', iterations: 2, vus: 1, exec: 'beta' },
    alpha: { executor: 'per-vu-iterations', iterations: 1, vus: 1, exec: 'alpha' },
  },
  thresholds: { hits: ['count>0'] },
};
export function alpha() {
  hits.add(1);
  group('outer', () => { hits.add(10); group('inner', () => { check(1, { 'deep ok': () => true }); }); });
}
export function beta() { hits.add(2); check(1, { 'beta ok': () => true }); }
export function handleSummary(data) { return { 'data.json': JSON.stringify(data) }; }
`;

describe('harness k6 run: full summary (per scenario, per group) and the machine-readable summary', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'k6-v1-full-'));
    writeFileSync(join(dir, 's.js'), SCENARIOS_SCRIPT);
    writeFileSync(join(dir, 'plain.js'), SCENARIOS_SCRIPT.replace(/export function handleSummary[^\n]*\n/, ''));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (argv: string[], env: Record<string, string> = {}) => {
    const ctx = captureContext(dir, { env });
    const code = await runK6(['run', '-q', ...argv], ctx);
    return { code, out: ctx.out(), err: ctx.err() };
  };

  it('full: SCENARIO sections sorted by name with their own metrics; a group holds only its own samples; nested groups as ↳', async () => {
    const r = await run(['--summary-mode', 'full', 'plain.js']);
    assert.equal(r.code, ExitCode.Ok, r.err);
    const alpha = r.out.indexOf('█ SCENARIO: alpha');
    const beta = r.out.indexOf('█ SCENARIO: beta');
    assert.ok(alpha > 0 && beta > alpha, r.out);
    const alphaText = r.out.slice(alpha, beta);
    const betaText = r.out.slice(beta);
    // alpha: hits 1 (root of the scenario) + 10 (outer) = 11; the outer group has 10; inner's check sits under ↳ GROUP: inner
    assert.match(alphaText, /CUSTOM\n {4}hits\.+: 11 /);
    assert.match(alphaText, /\n {4}↳ GROUP: outer \n\n {6}CUSTOM\n {6}hits\.+: 10 /);
    assert.match(alphaText, /\n {6}↳ GROUP: inner \n\n {8}checks_total\.+: 1 [^\n]*\n[^]*\n {8}✓ deep ok\n/);
    assert.match(betaText, /CUSTOM\n {4}hits\.+: 4 /);
    assert.match(betaText, /✓ beta ok/);
    assert.doesNotMatch(betaText, /deep ok|GROUP/);
    // no root GROUP section: every group sample belongs to a named scenario (k6 files them there)
    assert.doesNotMatch(r.out, /█ GROUP:/);
    const compact = await run(['plain.js']);
    assert.doesNotMatch(compact.out, /SCENARIO:|GROUP:/);
  });

  it('--new-machine-readable-summary: handleSummary and --summary-export get k6\'s machine-readable summary (snake_case keys, 4-space JSON)', async () => {
    const r = await run(['--new-machine-readable-summary', '--summary-export', 'export.json', 's.js']);
    assert.equal(r.code, ExitCode.Ok, r.err);
    const data = JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8'));
    assert.deepEqual(Object.keys(data), ['config', 'metadata', 'results', 'version']);
    assert.equal(data.version, '1.0.0');
    assert.equal(data.config.execution, 'local');
    assert.match(data.config.script, /export function alpha/);
    assert.ok(data.config.duration > 0 && data.config.duration < 60);
    assert.deepEqual(Object.keys(data.metadata), ['generated_at', 'k6_version']);
    assert.match(data.metadata.generated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.deepEqual(data.results.checks.metrics.map((m: { name: string }) => m.name), ['checks_total', 'checks_failed', 'checks_succeeded']);
    assert.deepEqual(data.results.checks.metrics[0], { contains: 'default', name: 'checks_total', type: 'counter', values: { count: 3 } });
    assert.deepEqual(data.results.checks.metrics[2].values, { matches: 3, rate: 1, total: 3 });
    // in order of first sample (two scenarios run concurrently: either may come first)
    assert.deepEqual([...data.results.checks.results].sort((a, b) => a.name.localeCompare(b.name)), [{ fails: 0, name: 'beta ok', passes: 2 }, { fails: 0, name: 'deep ok', passes: 1 }]);
    const hits = data.results.metrics.find((m: { name: string }) => m.name === 'hits');
    assert.deepEqual(hits, { contains: 'default', name: 'hits', type: 'counter', values: { count: 15 } });
    const iter = data.results.metrics.find((m: { name: string }) => m.name === 'iteration_duration');
    assert.deepEqual(Object.keys(iter.values), ['avg', 'max', 'med', 'min', 'p90', 'p95']);
    const exported = readFileSync(join(dir, 'export.json'), 'utf8');
    assert.match(exported, /^\{\n {4}"config": \{\n {8}"duration": /);
    assert.deepEqual(Object.keys(JSON.parse(exported)), ['config', 'metadata', 'results', 'version']);
    // without the flag (or with K6_NEW_MACHINE_READABLE_SUMMARY=false): k6 v0.48's data and export
    const legacy = await run(['--summary-export', 'export.json', 's.js'], { K6_NEW_MACHINE_READABLE_SUMMARY: 'false' });
    assert.equal(legacy.code, ExitCode.Ok, legacy.err);
    assert.ok(JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')).root_group);
    assert.ok(JSON.parse(readFileSync(join(dir, 'export.json'), 'utf8')).root_group);
    const env = await run(['s.js'], { K6_NEW_MACHINE_READABLE_SUMMARY: 'true' });
    assert.equal(JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')).version, '1.0.0', env.err);
    const bad = await run(['s.js'], { K6_NEW_MACHINE_READABLE_SUMMARY: 'maybe' });
    assert.equal(bad.code, ExitCode.InvalidConfig);
  });
});
