import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PidFile, listRunIds, reap, runsRoot, type PidFileContent } from '../../run';
import type { RunEngine } from './engine-adapter';
import { run } from './index';
import { captureContext, pidAlive, portOpen, runHarness, startHarness, throwawayProject, type SpawnHarnessOptions } from '../../testing';

const root = resolve('.');

async function onlyRun(cwd: string): Promise<{ id: string; dir: string; pids: PidFileContent }> {
  const ids = await listRunIds(runsRoot(cwd));
  assert.equal(ids.length, 1, `one run directory, got ${ids.join(', ')}`);
  const dir = join(runsRoot(cwd), ids[0]);
  return { id: ids[0], dir, pids: (await PidFile.read(join(dir, 'pids.json')))! };
}

/** Every pid/port recorded must be gone; polls briefly since SIGKILLed groups take a moment. */
async function assertNothingLeft(seen: { pids: number[]; ports: number[] }): Promise<void> {
  const deadline = Date.now() + 8000;
  while (Date.now() < deadline && seen.pids.some(pidAlive)) await new Promise((r) => setTimeout(r, 100));
  for (const pid of seen.pids) assert.equal(pidAlive(pid), false, `process ${pid} is gone`);
  for (const port of seen.ports) assert.equal(await portOpen(port), false, `port ${port} is closed`);
}

describe('harness run: lifecycle (local runtime, real target) @slow', function () {
  this.timeout(120_000);
  let cwd: string;
  beforeEach(async () => {
    cwd = await throwawayProject('harness-run-');
  });
  afterEach(async () => {
    await reap({ root: runsRoot(cwd), env: process.env, log: () => {}, docker: false }).catch(() => {});
    await rm(cwd, { recursive: true, force: true });
  });

  it('a malformed threshold exits 104 before anything starts', async () => {
    const ctx = captureContext(cwd);
    const code = await run({ scenario: join(root, 'harness/commands/run/fixtures/malformed-threshold.ts'), runtime: 'local', watchdog: false }, ctx);
    assert.equal(code, 104, ctx.err());
    assert.match(ctx.err(), /failed parsing threshold "p95<200"|p95<200/);
    assert.match(ctx.out(), /INVALID.*exit 104/);
    const { dir, pids } = await onlyRun(cwd);
    assert.deepEqual(pids.processes, [], 'no process was started');
    assert.deepEqual(pids.ports, {}, 'no port was taken');
    assert.equal(readFileSync(join(dir, 'exit-code'), 'utf8').trim(), '104');
    assert.equal(existsSync(join(dir, 'logs', 'redis.log')), false, 'redis never started');
  });

  it('SIGINT in the middle of a run tears down and exits 105, leaving no process, port or proxy', async () => {
    const ac = new AbortController();
    const ctx = captureContext(cwd, { signal: ac.signal });
    let during: { pids: number[]; ports: number[]; toxiproxy?: string } = { pids: [], ports: [] };
    // Stand-in engine: proves the stack serves traffic, then Ctrl-C arrives mid-run.
    const engine: RunEngine = {
      name: 'probe',
      async run(req) {
        const { pids } = await onlyRun(cwd);
        during = { pids: pids.processes.map((p) => p.pid), ports: Object.values(pids.ports), toxiproxy: pids.toxiproxy[0]?.apiUrl };
        const base = req.args.env!.BASE_URL;
        const res = await fetch(`${base}/health/ready`);
        assert.equal(res.status, 200);
        setTimeout(() => ac.abort(new Error('SIGINT')), 200);
        await new Promise((r) => req.signal.addEventListener('abort', r, { once: true }));
        return 105;
      },
    };
    const code = await run({ scenario: 'smoke', runtime: 'local', toxiproxy: 'builtin', duration: '5s', watchdog: false, engineOverride: engine }, ctx);
    assert.equal(code, 105, ctx.err());
    assert.match(ctx.out(), /INTERRUPTED/);
    assert.ok(during.pids.length >= 4, `redis, toxiproxy, gateway, worker were running: ${during.pids}`);
    await assertNothingLeft(during);
    const { pids, dir } = await onlyRun(cwd);
    assert.deepEqual(pids.processes, []);
    assert.equal(readFileSync(join(dir, 'exit-code'), 'utf8').trim(), '105');
  });

  for (const watchdog of [false, true]) {
    it(`${watchdog ? 'the watchdog' : '`harness reap`'} cleans what a SIGKILLed harness left`, async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'harness/commands/run/fixtures/hold-stack.ts'), cwd, watchdog ? '1' : '0'], {
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
      const { id, pids } = await onlyRun(cwd);
      const seen = { pids: pids.processes.map((p) => p.pid), ports: Object.values(pids.ports) };
      assert.ok(seen.pids.length >= 4);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      if (!watchdog) {
        await new Promise((r) => setTimeout(r, 500));
        assert.ok(seen.pids.every(pidAlive), 'without a watchdog, everything outlives the killed harness');
        const report = await reap({ root: runsRoot(cwd), env: process.env, log: () => {}, docker: false });
        assert.deepEqual(report.runs, [id]);
        assert.equal(report.processes, seen.pids.length);
      }
      await assertNothingLeft(seen);
    });
  }
});

describe('harness run end to end through the CLI binary, builtin engine @slow', function () {
  this.timeout(180_000);
  let cwd: string;
  beforeEach(async () => {
    cwd = await throwawayProject('harness-run-');
  });
  afterEach(async () => {
    await reap({ root: runsRoot(cwd), env: process.env, log: () => {}, docker: false }).catch(() => {});
    await rm(cwd, { recursive: true, force: true });
  });

  /** The built-in engine whatever K6_BIN says. */
  const options = (): SpawnHarnessOptions => ({ cwd, env: { K6_BIN: '' }, timeoutMs: 150_000 });

  it('`harness run smoke --runtime local --duration 5s` exits 0 and writes the run directory', async () => {
    const r = await runHarness(['run', 'smoke', '--runtime', 'local', '--engine', 'builtin', '--duration', '5s', '--vus', '2'], options());
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /PASSED/);
    assert.match(r.stderr, /^ {2}live: [1-9][\d,]* requests {2}[\d,]+ req\/s \(avg [\d,]+\) {2}errors \d+ \([\d.]+%\) {2}iterations [\d,]+ {2}VUs \S+ {2}elapsed \d+m\d\ds$/m, 'the harness live stats line');
    const { dir, pids } = await onlyRun(cwd);
    for (const f of ['run.json', 'config.json', 'seed', 'script.js', 'samples.ndjson.gz', 'summary.json', 'report.html', 'junit.xml', 'summary.md', 'exit-code', 'logs/gateway.log', 'logs/worker.log', 'logs/redis.log']) {
      assert.ok(existsSync(join(dir, f)), `${f} in the run directory`);
    }
    assert.equal(readFileSync(join(dir, 'exit-code'), 'utf8').trim(), '0');
    assert.match(gunzipSync(readFileSync(join(dir, 'samples.ndjson.gz'))).toString('utf8'), /"metric":"http_reqs"/);
    assert.deepEqual(pids.processes, []);
  });

  it('a scenario with an impossible threshold exits 99', async () => {
    const r = await runHarness(['run', join(root, 'harness/commands/run/fixtures/impossible-threshold.ts'), '--runtime', 'local', '--engine', 'builtin', '--toxiproxy', 'none'], options());
    assert.equal(r.code, 99, r.stderr + r.stdout);
    assert.match(r.stdout, /FAILED: thresholds crossed/);
  });

  it('a reader that goes away mid-run (stdout and stderr pipes closed) neither hangs nor spins: the run finishes with its verdict and tears down', async () => {
    // What a killed parent or `harness run ... | head` does: every later write gets EPIPE. It once
    // turned into an endless "internal error: write EPIPE" loop at full CPU that never tore down.
    await using h = startHarness(['run', 'smoke', '--runtime', 'local', '--engine', 'builtin', '--duration', '4s', '--vus', '2'], options());
    await h.waitFor(/target: http/, { stream: 'stderr' });
    h.child.stdout!.destroy();
    h.child.stderr!.destroy();
    const { code } = await h.done;
    assert.equal(code, 0, `exit code (stderr until the pipes closed:\n${h.stderr})`);
    const { dir, pids } = await onlyRun(cwd);
    assert.equal(readFileSync(join(dir, 'exit-code'), 'utf8').trim(), '0');
    assert.ok(existsSync(join(dir, 'report.html')), 'report.html written');
    assert.deepEqual(pids.processes, []);
    await assertNothingLeft({ pids: [], ports: Object.values(pids.ports) });
  });

  it('SIGINT to the CLI mid-run exits 105 and leaves no process or port behind', async () => {
    await using h = startHarness(['run', 'smoke', '--runtime', 'local', '--engine', 'builtin', '--duration', '60s', '--vus', '2'], options());
    await h.waitFor(/target: http/, { stream: 'stderr' });
    await new Promise((res) => setTimeout(res, 2000));
    h.kill('SIGINT');
    const r = await h.done;
    assert.equal(r.code, 105, r.stderr + r.stdout);
    const { pids } = await onlyRun(cwd);
    assert.deepEqual(pids.processes, []);
    await assertNothingLeft({ pids: [], ports: Object.values(pids.ports) });
  });
});
