import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { resolveConfig } from '../../config/resolve-config';
import { PidFile } from '../../run-record';
import { reap } from '../../run/reaper';
import { listRunIds } from '../../run/run-directory';
import { sample } from '../../../target/testing/index';
import { DockerRuntime } from './docker-runtime';
import { ensureImage } from './pull-image';
import { targetContextHash } from './target-image';
import { LABEL_OWNER_PID, LABEL_OWNER_START, LABEL_RUN_ID, runLabels } from './labels';
import { dockerOrSkip } from './testing';
import type { StartedDockerStack } from './started-docker-stack';
import { portOpen } from '../../testing';

const cwd = process.cwd();
const { config } = resolveConfig({ cwd, env: {} });
const quiet = () => {};

async function labelled(docker: Docker, runId: string): Promise<{ containers: string[]; networks: string[] }> {
  const filters = { label: [`${LABEL_RUN_ID}=${runId}`] };
  return {
    containers: (await docker.listContainers({ all: true, filters })).map((c) => c.Names[0]),
    networks: (await docker.listNetworks({ filters })).map((n) => n.Name),
  };
}

describe('docker runtime: availability', () => {
  it('answers {ok:false, reason} at once when no daemon is reachable, so auto falls back to local', async () => {
    const rt = new DockerRuntime(config);
    const t0 = Date.now();
    const a = await rt.available({ cwd, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    assert.equal(a.ok, false);
    assert.match(a.reason!, /Docker daemon not reachable/);
    assert.ok(Date.now() - t0 < 5000, 'bounded by the ping timeout');
  });
  it('is unavailable outside a project with target/Dockerfile', async () => {
    const a = await new DockerRuntime(config).available({ cwd: tmpdir(), env: process.env });
    assert.equal(a.ok, false);
    assert.match(a.reason!, /target\/Dockerfile not found/);
  });
});

describe('docker runtime: target image context hash', () => {
  it('changes when a source, a lock file or the base image changes, and only then', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'harness-ctx-'));
    try {
      await mkdir(join(dir, 'target'));
      await writeFile(join(dir, 'target/a.ts'), 'export const a = 1;\n');
      await writeFile(join(dir, 'package-lock.json'), '{}');
      const sources = ['target/a.ts'];
      const h1 = await targetContextHash(dir, 'sha256:base1', sources);
      assert.equal(await targetContextHash(dir, 'sha256:base1', sources), h1, 'stable');
      assert.notEqual(await targetContextHash(dir, 'sha256:base2', sources), h1, 'base image');
      await writeFile(join(dir, 'target/a.ts'), 'export const a = 2;\n');
      const h2 = await targetContextHash(dir, 'sha256:base1', sources);
      assert.notEqual(h2, h1, 'source content');
      await writeFile(join(dir, 'package-lock.json'), '{"lockfileVersion":3}');
      assert.notEqual(await targetContextHash(dir, 'sha256:base1', sources), h2, 'lock file');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('docker runtime (real dockerd, target image built from target/Dockerfile) @slow', function () {
  // The first run builds the image (a minute under load); later runs reuse it by context hash.
  this.timeout(600_000);
  let docker: Docker;
  let root: string;
  before(async function () {
    docker = await dockerOrSkip(this);
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'harness-docker-'));
  });
  afterEach(async () => {
    // Only this test's runs: a reap of every labelled object would also hit other checkouts' runs.
    for (const runId of await listRunIds(root).catch(() => [])) await reap({ root, runId, env: process.env, log: quiet, docker: true }).catch(() => {});
    await rm(root, { recursive: true, force: true });
  });

  async function runDirFor(runId: string): Promise<{ runDir: string; pidFile: PidFile }> {
    const runDir = join(root, runId);
    await mkdir(runDir, { recursive: true });
    return { runDir, pidFile: new PidFile(join(runDir, 'pids.json'), runId) };
  }

  it('starts redis, toxiproxy, gateway and worker; serves through the proxy; kill/restart; stop leaves nothing', async () => {
    const runId = '20250101T000000-docker-a1b2';
    const { runDir, pidFile } = await runDirFor(runId);
    const t0 = Date.now();
    const stack = (await new DockerRuntime(config).start({ runId, runDir, cwd, env: process.env, log: quiet, pidFile, seed: 42 })) as StartedDockerStack;
    console.log(`    stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    let stopped = false;
    try {
      const res = await fetch(`${stack.targetUrl}/telemetry`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sample(1)) });
      assert.equal(res.status, 202, await res.text());
      assert.notEqual(stack.targetUrl, stack.gatewayUrl, 'load goes through the gateway proxy');
      assert.match(stack.targetUrl, /^http:\/\/127\.0\.0\.1:\d+$/);

      assert.ok(stack.toxiproxy);
      assert.deepEqual(stack.toxiproxy.proxies, { gateway: `${runId}-gateway`, redis: `${runId}-redis` });
      const proxies = (await (await fetch(`${stack.toxiproxy.apiUrl}/proxies`)).json()) as Record<string, { upstream: string }>;
      assert.deepEqual(Object.keys(proxies).sort(), [`${runId}-gateway`, `${runId}-redis`]);

      const ids = stack.containerIds();
      assert.deepEqual(Object.keys(ids).sort(), ['gateway', 'redis', 'toxiproxy', 'worker']);
      const recorded = (await PidFile.read(join(runDir, 'pids.json')))!;
      assert.deepEqual([...recorded.containers!].sort(), Object.values(ids).sort());
      assert.equal(recorded.networks!.length, 1);
      const found = await labelled(docker, runId);
      assert.deepEqual(found.containers.sort(), ['gateway', 'redis', 'toxiproxy', 'worker'].map((c) => `/harness-${runId}-${c}`).sort());
      assert.deepEqual(found.networks, [`harness-${runId}`]);
      const gw = await docker.getContainer(ids.gateway!).inspect();
      assert.equal(gw.HostConfig.NetworkMode, 'host');
      assert.equal(gw.Config.User, 'app', 'the target image runs unprivileged');

      await stack.kill('worker');
      assert.equal((await docker.getContainer(ids.worker!).inspect()).State.Running, false);
      await stack.restart('worker');
      assert.equal((await docker.getContainer(ids.worker!).inspect()).State.Running, true);
      assert.equal(readFileSync(join(runDir, 'logs', 'worker.log'), 'utf8').match(/worker ready/g)?.length, 2, 'the log stream follows the restarted container');
      for (const c of ['redis', 'toxiproxy', 'gateway']) assert.match(readFileSync(join(runDir, 'logs', `${c}.log`), 'utf8'), /\S/, `${c}.log has output`);

      const ports = Object.values(recorded.ports);
      assert.equal(ports.length, 5);
      await stack.stop();
      stopped = true;
      await stack.stop(); // idempotent
      assert.deepEqual(await labelled(docker, runId), { containers: [], networks: [] });
      for (const port of ports) assert.equal(await portOpen(port), false, `port ${port} is closed`);
      const after = (await PidFile.read(join(runDir, 'pids.json')))!;
      assert.deepEqual([after.containers, after.networks], [[], []]);
    } finally {
      if (!stopped) await stack.stop();
    }
  });

  it('a container that exits at start fails fast quoting its log, and what started is removed', async () => {
    const runId = '20250101T000000-crash-c3d4';
    const { runDir, pidFile } = await runDirFor(runId);
    await assert.rejects(
      new DockerRuntime(config).start({ runId, runDir, cwd, env: process.env, log: quiet, pidFile, gatewayEnv: { BATCH_MAX: 'lots' } }),
      (e: Error) => {
        assert.match(e.message, /gateway container exited \(code \d+\) before it was ready/);
        assert.match(e.message, /BATCH_MAX/, 'quotes the container log');
        return true;
      },
    );
    assert.deepEqual(await labelled(docker, runId), { containers: [], networks: [] });
  });

  it('a missing image that cannot be pulled fails with an InfraError naming it', async () => {
    const ref = 'registry.invalid/harness/nope:1';
    await assert.rejects(ensureImage(docker, ref, { log: quiet, timeoutMs: 20_000 }), (e: Error & { exitCode?: number; hint?: string }) => {
      assert.match(e.message, /image registry\.invalid\/harness\/nope:1 is not available locally and pulling it failed/);
      assert.equal(e.exitCode, 110);
      assert.match(e.hint ?? '', /docker load|docker tag/);
      return true;
    });
  });

  it('`harness reap` removes the containers and network of a run whose harness died', async () => {
    const runId = '20250101T000000-reap-e5f6';
    const { runDir, pidFile } = await runDirFor(runId);
    const stack = await new DockerRuntime({ ...config, toxiproxy: { server: 'none' } }).start({ runId, runDir, cwd, env: process.env, log: quiet, pidFile });
    assert.equal(stack.toxiproxy, undefined);
    assert.equal(stack.targetUrl, stack.gatewayUrl);
    assert.equal((await labelled(docker, runId)).containers.length, 3);
    // As if the harness had been SIGKILLed: nothing stopped the stack.
    const report = await reap({ root, env: process.env, log: quiet, runId });
    assert.equal(report.containers, 3);
    assert.equal(report.networks, 1);
    assert.deepEqual(await labelled(docker, runId), { containers: [], networks: [] });
    assert.ok(existsSync(join(runDir, 'logs', 'gateway.log')));
    await stack.stop(); // still safe after reap
  });

  it('`harness reap` without --run-id leaves a run whose harness is alive alone, removes one whose harness died', async () => {
    const image = config.images.base!;
    const make = async (runId: string, owner: Record<string, string>) =>
      (await docker.createContainer({ name: `harness-${runId}-probe`, Image: image, Cmd: ['sleep', '60'], Labels: { ...runLabels(runId, 'probe'), ...owner } })).id;
    // This process owns `live`; `dead` names an owner pid that cannot exist (above pid_max).
    const live = await make('20250101T000000-ownlive-a1a1', {});
    const dead = await make('20250101T000000-owndead-b2b2', { [LABEL_OWNER_PID]: '4194399', [LABEL_OWNER_START]: '1' });
    try {
      await reap({ root, env: process.env, log: quiet, docker: true });
      const left = new Set((await docker.listContainers({ all: true })).map((c) => c.Id));
      assert.ok(left.has(live), 'the live run is left alone');
      assert.ok(!left.has(dead), 'the dead run is reaped');
    } finally {
      for (const id of [live, dead]) await docker.getContainer(id).remove({ force: true }).catch(() => {});
    }
  });
});
