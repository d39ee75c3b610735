/** `harness k6 run` flags of k6 v1/v2: --summary-mode and --secret-source (with log redaction). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    assert.match(compact.out, /█ THRESHOLDS\n\n {4}checks\n {4}✓ 'rate>0\.4' rate=66\.66%/);
    assert.match(compact.out, /█ TOTAL RESULTS\n\n {4}checks_total\.+: 6 /);
    assert.match(compact.out, /checks_succeeded\.+: 66\.66% 4 out of 6\n {4}checks_failed\.+: 33\.33% 2 out of 6/);
    assert.match(compact.out, /✓ inner ok/, 'compact lists the checks of groups in the totals');
    assert.doesNotMatch(compact.out, /GROUP: g1/);
    assert.match(compact.out, /EXECUTION\n {4}iteration_duration\.+: avg=/);
    const full = await run(['--summary-mode', 'full']);
    assert.match(full.out, /█ GROUP: g1\n\n {4}✓ inner ok/);
  });

  it('the default is k6 v0.48 text (legacy); K6_SUMMARY_MODE=disabled prints none; a bad mode is 104', async () => {
    const legacy = await run([]);
    assert.match(legacy.out, /█ g1/);
    assert.doesNotMatch(legacy.out, /TOTAL RESULTS/);
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
