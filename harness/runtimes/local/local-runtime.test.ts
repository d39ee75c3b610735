import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PidFile } from '../../run-record';
import { LocalRuntime } from './local-runtime';
import type { StartedLocalStack } from './started-local-stack';
import { groupMembers, pidAlive, portOpen } from '../../testing';

const cwd = process.cwd();
const fixtures = {
  gateway: 'harness/runtimes/local/fixtures/tiny-gateway.ts',
  worker: 'harness/runtimes/local/fixtures/tiny-worker.ts',
};

describe('local runtime (real redis-server and built-in toxiproxy, stand-in gateway)', function () {
  this.timeout(60_000);
  let runDir: string;
  beforeEach(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'harness-local-'));
  });
  afterEach(() => rm(runDir, { recursive: true, force: true }));

  it('starts redis, toxiproxy with both run-id proxies, gateway and worker; stop leaves no process or port', async () => {
    const runId = '20250101T000000-test-abcd';
    const pidFile = new PidFile(join(runDir, 'pids.json'), runId);
    const stack = (await new LocalRuntime({ toxiproxy: 'builtin', entryPoints: fixtures }).start({
      runId,
      runDir,
      cwd,
      env: process.env,
      log: () => {},
      pidFile,
    })) as StartedLocalStack;
    let stopped = false;
    try {
      assert.ok(stack.toxiproxy, 'toxiproxy endpoints');
      assert.deepEqual(stack.toxiproxy.proxies, { gateway: `${runId}-gateway`, redis: `${runId}-redis` });
      const proxies = (await (await fetch(`${stack.toxiproxy.apiUrl}/proxies`)).json()) as Record<string, { upstream: string }>;
      assert.deepEqual(Object.keys(proxies).sort(), [`${runId}-gateway`, `${runId}-redis`]);
      assert.notEqual(stack.targetUrl, stack.gatewayUrl, 'load goes through the gateway proxy');
      const res = await fetch(`${stack.targetUrl}/telemetry`, { method: 'POST', body: '{}' });
      assert.equal(res.status, 202);
      const pids = stack.pids();
      assert.deepEqual(Object.keys(pids).sort(), ['gateway', 'redis', 'toxiproxy', 'worker']);
      const recorded = (await PidFile.read(join(runDir, 'pids.json')))!;
      assert.deepEqual(recorded.processes.map((p) => p.component).sort(), ['gateway', 'redis', 'toxiproxy', 'worker']);
      const gatewayGroup = groupMembers(pids.gateway!);
      assert.ok(gatewayGroup.length >= 2, 'gateway forked a child into its group');

      await stack.kill('worker');
      assert.equal(pidAlive(pids.worker!), false);
      await stack.restart('worker');
      const newWorker = stack.pids().worker!;
      assert.ok(newWorker && newWorker !== pids.worker && pidAlive(newWorker));

      const ports = Object.values(recorded.ports);
      await stack.stop();
      stopped = true;
      await stack.stop(); // idempotent
      for (const pid of [...Object.values(stack.pids()), ...Object.values(pids), ...gatewayGroup, newWorker]) assert.equal(pidAlive(pid), false, `pid ${pid} is gone`);
      for (const port of ports) assert.equal(await portOpen(port), false, `port ${port} is closed`);
      assert.deepEqual((await PidFile.read(join(runDir, 'pids.json')))!.processes, []);
    } finally {
      if (!stopped) await stack.stop();
    }
  });

  it('a component that dies at start fails fast with its log, and what started is torn down', async () => {
    const runId = '20250101T000000-crash-abcd';
    const pidFile = new PidFile(join(runDir, 'pids.json'), runId);
    await assert.rejects(
      new LocalRuntime({ toxiproxy: 'none', entryPoints: { gateway: 'harness/runtimes/local/fixtures/crashing-gateway.ts', worker: fixtures.worker } }).start({
        runId,
        runDir,
        cwd,
        env: process.env,
        log: () => {},
        pidFile,
      }),
      /gateway exited \(code 3\) before it was ready[\s\S]*PORT is bad/,
    );
    const recorded = (await PidFile.read(join(runDir, 'pids.json')))!;
    assert.deepEqual(recorded.processes, [], 'redis was stopped again');
    assert.equal(await portOpen(recorded.ports.redis), false);
  });
});
