import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { run } from '../../commands/run/index';
import type { RunEngine } from '../../commands/run/engine-adapter';
import { PidFile, listRunIds, reap, runsRoot } from '../../run';
import { dockerOrSkip } from './testing';
import { LABEL_RUN_ID } from './labels';
import { captureContext, throwawayProject } from '../../testing';

const root = resolve('.');

describe('harness run --runtime docker, end to end with the builtin engine @slow', function () {
  this.timeout(600_000);
  let docker: Docker;
  let cwd: string;
  before(async function () {
    docker = await dockerOrSkip(this);
  });
  beforeEach(async () => {
    cwd = await throwawayProject('harness-docker-run-');
  });
  afterEach(async () => {
    // Only this test's runs: a reap of every labelled object would also hit runs of other
    // checkouts sharing the daemon.
    for (const runId of await listRunIds(runsRoot(cwd)).catch(() => [])) {
      await reap({ root: runsRoot(cwd), runId, env: process.env, log: () => {}, docker: true }).catch(() => {});
    }
    await rm(cwd, { recursive: true, force: true });
  });

  it('`harness run smoke --runtime docker --duration 5s` exits 0, writes the run directory and leaves no container', async () => {
    const ctx = captureContext(cwd, { env: { K6_BIN: '' } });
    const code = await run({ scenario: 'smoke', runtime: 'docker', engine: 'builtin', duration: '5s', vus: 2, watchdog: false }, ctx);
    assert.equal(code, 0, ctx.err() + ctx.out());
    assert.match(ctx.out(), /PASSED/);
    assert.match(ctx.err(), /docker stack up in/);
    const [id] = await listRunIds(runsRoot(cwd));
    const dir = join(runsRoot(cwd), id);
    for (const f of ['summary.json', 'samples.ndjson.gz', 'exit-code', 'logs/gateway.log', 'logs/worker.log', 'logs/redis.log', 'logs/toxiproxy.log']) {
      assert.ok(existsSync(join(dir, f)), `${f} in the run directory`);
    }
    assert.equal(readFileSync(join(dir, 'exit-code'), 'utf8').trim(), '0');
    assert.match(readFileSync(join(dir, 'logs', 'gateway.log'), 'utf8'), /gateway listening/);
    const pids = (await PidFile.read(join(dir, 'pids.json')))!;
    assert.deepEqual([pids.containers, pids.networks], [[], []]);
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN_ID}=${id}`] } });
    assert.deepEqual(left, [], 'no container of the run remains');
  });

  it('the watchdog removes the containers, network and proxies of a SIGKILLed harness', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'harness/commands/run/fixtures/hold-stack.ts'), cwd, '1', 'docker'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((res, rej) => {
      let buf = '';
      child.stdout!.on('data', (d) => {
        buf += d;
        if (buf.includes('\n')) res(buf);
      });
      child.once('exit', (c) => rej(new Error(`fixture exited ${c}: ${buf}`)));
    });
    assert.match(line, /^READY /);
    const [id] = await listRunIds(runsRoot(cwd));
    const running = await docker.listContainers({ filters: { label: [`${LABEL_RUN_ID}=${id}`] } });
    assert.ok(running.length >= 4, `the stack runs (${running.length} containers)`);
    const networks = await docker.listNetworks({ filters: { label: [`${LABEL_RUN_ID}=${id}`] } });
    assert.ok(networks.length >= 1, 'the labelled network exists');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const deadline = Date.now() + 30_000;
    let left = running.length;
    while (Date.now() < deadline) {
      left = (await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN_ID}=${id}`] } })).length;
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(left, 0, 'no container of the killed run remains');
    assert.deepEqual(await docker.listNetworks({ filters: { label: [`${LABEL_RUN_ID}=${id}`] } }), [], 'no network of the killed run remains');
  });

  it('Ctrl-C mid-run tears the containers down and exits 105', async () => {
    const ac = new AbortController();
    const ctx = captureContext(cwd, { signal: ac.signal, env: { K6_BIN: '' } });
    let during: string[] = [];
    // Stand-in engine: proves the stack serves traffic, then Ctrl-C arrives.
    const engine: RunEngine = {
      name: 'probe',
      async run(req) {
        const [id] = await listRunIds(runsRoot(cwd));
        during = (await docker.listContainers({ filters: { label: [`${LABEL_RUN_ID}=${id}`] } })).map((c) => c.Id);
        assert.equal((await fetch(`${req.args.env!.BASE_URL}/health/ready`)).status, 200);
        setTimeout(() => ac.abort(new Error('SIGINT')), 100);
        await new Promise((r) => req.signal.addEventListener('abort', r, { once: true }));
        return 105;
      },
    };
    const code = await run({ scenario: 'smoke', runtime: 'docker', duration: '30s', watchdog: false, engineOverride: engine }, ctx);
    assert.equal(code, 105, ctx.err());
    assert.equal(during.length, 4, 'redis, toxiproxy, gateway and worker were running');
    const [id] = await listRunIds(runsRoot(cwd));
    assert.deepEqual(await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN_ID}=${id}`] } }), []);
    assert.deepEqual(await docker.listNetworks({ filters: { label: [`${LABEL_RUN_ID}=${id}`] } }), []);
  });
});
