import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { listRunIds, PidFile, readUpStates, reap, runsRoot, upStateFile } from '../../run';
import { captureContext, pidAlive, throwawayProject } from '../../testing';
import { down } from '../down';
import { up } from './index';

describe('harness up / down through the run session (local runtime, real target) @slow', function () {
  this.timeout(120_000);
  let cwd: string;
  beforeEach(async () => (cwd = await throwawayProject('harness-up-')));
  afterEach(async () => {
    await reap({ root: runsRoot(cwd), env: process.env, log: () => {}, docker: false }).catch(() => {});
    await rm(cwd, { recursive: true, force: true });
  });

  it('up keeps the stack running and recorded (exit-code 0, run.json, no teardown); down stops every process', async () => {
    const ctx = captureContext(cwd);
    assert.equal(await up({ runtime: 'local', toxiproxy: 'builtin' }, ctx), 0, ctx.err());
    const [id] = await listRunIds(runsRoot(cwd));
    const dir = join(runsRoot(cwd), id);
    assert.match(ctx.out(), new RegExp(`stack ${id} is up \\(local\\)`));
    assert.doesNotMatch(ctx.err(), /tearing down/);
    const [state] = await readUpStates(upStateFile(cwd));
    assert.equal(state.runId, id);
    assert.equal((await fetch(`${state.targetUrl}/health/ready`)).status, 200, 'the kept stack serves');
    assert.equal(readFileSync(join(dir, 'exit-code'), 'utf8').trim(), '0');
    assert.equal(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).kind, 'up');
    const pids = (await PidFile.read(join(dir, 'pids.json')))!.processes.map((p) => p.pid);
    assert.ok(pids.length >= 4 && pids.every(pidAlive), `redis, toxiproxy, gateway, worker alive: ${pids}`);

    assert.equal(await down({}, ctx), 0, ctx.err());
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline && pids.some(pidAlive)) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(pids.filter(pidAlive), []);
    assert.deepEqual(await readUpStates(upStateFile(cwd)), []);
  });
});
