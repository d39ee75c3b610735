import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort, request, sample, startRedisServer } from './testing/index';
import { waitForDrain } from './shared/accounting';

describe('npm run target (target/main.ts: gateway + worker in the foreground)', function () {
  this.timeout(30_000);

  it('starts both, processes samples, and stops both cleanly on SIGINT', async () => {
    await using redis = await startRedisServer();
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url))], {
      env: { ...process.env, PORT: String(port), REDIS_URL: redis.url, WORKERS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`not listening: ${lines.join('\n')}`)), 20_000);
        createInterface({ input: child.stdout! }).on('line', (l) => {
          lines.push(l);
          if (l.includes('gateway listening')) (clearTimeout(t), resolve());
        });
        createInterface({ input: child.stderr! }).on('line', (l) => lines.push(l));
      });
      assert.ok(lines.some((l) => l.includes('worker ready')));
      for (let i = 0; i < 5; i++) assert.equal((await request(`http://127.0.0.1:${port}/telemetry`, { body: sample(i) })).status, 202);
      const report = await waitForDrain(redis.url, { timeoutMs: 10_000 });
      assert.equal(report.processed, 5);
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.ok(lines.some((l) => l.includes('gateway stopped')));
      assert.ok(lines.some((l) => l.includes('worker stopped')));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('reports every configuration problem of both components and exits 104', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url))], {
      env: { ...process.env, PORT: 'x', WORKER_BATCH_SIZE: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 104);
    assert.match(err, /PORT/);
    assert.match(err, /WORKER_BATCH_SIZE/);
  });
});
