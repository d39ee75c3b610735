import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHarness } from '../../testing';
import { findRealK6, requireRealTool } from '../../testing/real-tools';

/** No network: a custom counter, and a threshold on a submetric no sample selects (a typo). */
const SCRIPT = `import { Counter } from 'k6/metrics';
const work = new Counter('work');
export const options = { iterations: 2, thresholds: { work: ['count>=1'], 'work{kind:typo}': ['count<10'] } };
export default function () { work.add(1, { kind: 'real' }); }
`;

describe('harness k6 run --fail-on-unmatched-thresholds (the binary)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'k6-unmatched-'));
    writeFileSync(join(dir, 'script.js'), SCRIPT);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const k6 = (args: string[], env: Record<string, string | undefined> = {}) =>
    runHarness(['k6', 'run', '-q', '--no-summary', ...args, 'script.js'], { cwd: dir, env: { HARNESS_K6_FAIL_ON_UNMATCHED_THRESHOLDS: undefined, ...env }, timeoutMs: 50_000 });

  it("keeps k6's behaviour by default: a threshold that matched no samples passes (exit 0)", async () => {
    const r = await k6([]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /matched no samples/);
  });

  it('asked by flag or by HARNESS_K6_FAIL_ON_UNMATCHED_THRESHOLDS, fails it with 99, naming the key and its expressions', async () => {
    for (const r of [await k6(['--fail-on-unmatched-thresholds']), await k6([], { HARNESS_K6_FAIL_ON_UNMATCHED_THRESHOLDS: 'true' })]) {
      assert.equal(r.code, 99, r.stderr);
      assert.match(r.stderr, /level=error msg="threshold \\"count<10\\" on work\{kind:typo\} matched no samples: a typo in the metric or tag\?/);
      assert.doesNotMatch(r.stderr, /on work matched/, 'the metric with samples is not named');
    }
    assert.equal((await k6(['--fail-on-unmatched-thresholds=false'], { HARNESS_K6_FAIL_ON_UNMATCHED_THRESHOLDS: 'true' })).code, 0, 'the flag wins over the environment');
  });

  it('real k6 passes the same script (the default mirrors it)', function () {
    const tool = requireRealTool(this, findRealK6());
    const r = spawnSync(tool.path, ['run', '-q', '--no-summary', 'script.js'], { cwd: dir, encoding: 'utf8', timeout: 50_000 });
    assert.equal(r.status, 0, r.stderr);
  });
});
