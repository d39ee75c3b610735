import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRuntime } from '../harness/runtimes/local';
import type { StartedTargetStack } from '../harness/runtimes/types';
import { redisAccounting } from '../harness/run';
import { runExperiment } from './experiment';
import redisLatency from './redis-latency';
import redisPartition from './redis-partition';

const cwd = process.cwd();

describe('chaos game-day against the real target (local runtime) @slow', function () {
  this.timeout(180_000);
  let dir: string;
  let stack: StartedTargetStack | undefined;

  before(async function () {
    const runtime = new LocalRuntime({ toxiproxy: 'builtin' });
    const a = await runtime.available({ env: process.env, cwd });
    if (!a.ok) {
      console.log(`    skipped: local runtime unavailable: ${a.reason}`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'chaos-gameday-'));
    stack = await runtime.start({ runId: 'chaos-gameday-test', runDir: dir, cwd, env: process.env, log: () => {}, toxiproxy: true, seed: 11 });
  });
  after(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const def of [redisLatency, redisPartition]) {
    it(`${def.name}: no data loss, recovery measured`, async () => {
      const r = await runExperiment(def, { stack: stack!, accounting: redisAccounting(stack!.redisUrl!), runDir: join(dir, def.name), seed: 11, duration: '12s', drainTimeoutMs: 30_000 });
      assert.ok(r.dataLoss, 'data loss was checked');
      assert.equal(r.dataLoss!.ok, true, r.dataLoss!.problems.join('\n'));
      assert.ok(r.dataLoss!.clientAccepted > 0, 'some requests were accepted');
      assert.equal(r.recovery.length, 1);
      console.log(`    ${def.name}: by phase ${JSON.stringify(r.requests.byPhase)}`);
      assert.notEqual(r.recovery[0].recoveryMs, undefined, 'recovered before the load ended');
      console.log(`    ${def.name}: verdict ${r.verdict}, recovery ${r.recovery[0].recoveryMs} ms, ${r.requests.total} requests, problems: ${r.problems.join('; ') || 'none'}`);
    });
  }
});
