import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHarness } from '../../testing';
import { findRealK6, requireRealTool } from '../../testing/real-tools';

/** No network: a failing threshold, a passing one, and a handleSummary() that leaves three traces (log, stdout, file). */
const SCRIPT = `import { Counter } from 'k6/metrics';
const work = new Counter('work');
export const options = { iterations: 2, thresholds: { work: ['count<1'], iterations: ['count==2'] } };
export default function () { work.add(1); }
export function handleSummary(data) {
  console.log('handleSummary called');
  return { stdout: 'from handleSummary\\n', 'hs.txt': 'written by handleSummary' };
}
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * \`harness k6 run\` with its summary disabled, as k6 v0.48 (--no-summary, checked live against a
 * real k6 below) and k6 v1.3+/v2 (--summary-mode disabled, K6_SUMMARY_MODE; from k6's source,
 * internal/cmd/run.go: the same skip): no --summary-export file, no handleSummary(), nothing on
 * stdout with -q, and the thresholds still judged (exit 99).
 */
describe('harness k6 run with the end-of-test summary disabled (the binary)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'k6-no-summary-'));
    writeFileSync(join(dir, 'script.js'), SCRIPT);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** No summary setting from this machine's environment. */
  const unset = { K6_SUMMARY_MODE: undefined, K6_NO_SUMMARY: undefined };
  const harness = (flags: string[], env: Record<string, string | undefined> = {}) =>
    runHarness(['k6', 'run', '-q', '--summary-export', 'x.json', ...flags, 'script.js'], { cwd: dir, env: { ...unset, ...env }, timeoutMs: 50_000 });
  /** Real k6, not the harness bin: spawned as it is. */
  const realK6 = (cmd: string, argv: string[]): Promise<Run> => {
    const e: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...unset })) if (v !== undefined) e[k] = v;
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, argv, { cwd: dir, env: e, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      const kill = setTimeout(() => child.kill('SIGKILL'), 50_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(kill);
        resolve({ code, stdout, stderr });
      });
    });
  };

  const assertDisabled = (r: Run, how: string) => {
    assert.equal(r.code, 99, `${how}: the failed threshold still exits 99\n${r.stderr}`);
    assert.match(r.stderr, /thresholds on metrics 'work' have been crossed/, how);
    assert.ok(!existsSync(join(dir, 'x.json')), `${how}: no --summary-export file`);
    assert.ok(!existsSync(join(dir, 'hs.txt')), `${how}: handleSummary() wrote no file`);
    assert.doesNotMatch(r.stderr, /handleSummary called/, `${how}: handleSummary() not called`);
    assert.equal(r.stdout, '', `${how}: nothing on stdout`);
  };

  it('with the summary on, the same script writes the export and calls handleSummary (the control)', async () => {
    const r = await harness([]);
    assert.equal(r.code, 99, r.stderr);
    assert.ok(existsSync(join(dir, 'x.json')));
    assert.equal(JSON.parse(readFileSync(join(dir, 'x.json'), 'utf8')).metrics.work.thresholds['count<1'], true);
    assert.match(r.stderr, /handleSummary called/);
    assert.equal(r.stdout, 'from handleSummary\n');
    assert.ok(existsSync(join(dir, 'hs.txt')));
  });

  it('--no-summary (k6 v0.48), --summary-mode disabled and K6_SUMMARY_MODE=disabled (k6 v1.3+), K6_NO_SUMMARY=true: no export, no handleSummary, exit 99', async () => {
    assertDisabled(await harness(['--no-summary']), '--no-summary');
    assertDisabled(await harness(['--summary-mode', 'disabled']), '--summary-mode disabled');
    assertDisabled(await harness(['--summary-mode=disabled']), '--summary-mode=disabled');
    assertDisabled(await harness([], { K6_SUMMARY_MODE: 'disabled' }), 'K6_SUMMARY_MODE=disabled');
    assertDisabled(await harness([], { K6_NO_SUMMARY: 'true' }), 'K6_NO_SUMMARY=true');
  });

  it('a passing run with the summary disabled exits 0 and leaves an existing export file as it was', async () => {
    writeFileSync(join(dir, 'script.js'), SCRIPT.replace("work: ['count<1']", "work: ['count>1']"));
    writeFileSync(join(dir, 'x.json'), 'OLD');
    const r = await harness(['--no-summary']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'x.json'), 'utf8'), 'OLD');
    assert.ok(!existsSync(join(dir, 'hs.txt')));
  });

  it('real k6 v0.48 does the same with --no-summary (live)', async function () {
    const tool = requireRealTool(this, findRealK6());
    const r = await realK6(tool.path, ['run', '-q', '--no-usage-report', '--address', '', '--summary-export', 'x.json', '--no-summary', 'script.js']);
    assertDisabled(r, `${tool.path} --no-summary`);
  });
});
