import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startToxiproxyServer } from '../../chaos/toxiproxy-server';
import { toxiproxyClient } from '../../chaos/toxiproxy-client';
import type { PidFileContent } from '../run-record';

/**
 * The watchdog of a harness that dies without a goodbye deletes the run's proxies, also from a
 * built-in Toxiproxy server that requires the API token (inherited from the harness's environment).
 */
describe('watchdog: a dead harness leaves no proxy behind', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'watchdog-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const token of [undefined, 'w4tch']) {
    it(`deletes the run's proxies${token ? ' with the API token' : ''}`, async () => {
      await using server = await startToxiproxyServer({ port: 0, apiToken: token });
      const client = toxiproxyClient(server.url, { token });
      for (const name of ['run1-gateway', 'run1-redis', 'other']) await client.createProxy({ name, listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
      const file = join(dir, `pids-${token ?? 'none'}.json`);
      const content: PidFileContent = { runId: 'run1', harnessPid: 0, processes: [], ports: {}, toxiproxy: [{ apiUrl: server.url, proxies: ['run1-gateway', 'run1-redis'] }] };
      writeFileSync(file, JSON.stringify(content));
      // A stand-in harness: starts the watchdog, then dies by SIGKILL (no `done` on the pipe).
      const harness = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { startWatchdog } from ${JSON.stringify(join(import.meta.dirname, 'watchdog.ts'))}; startWatchdog(${JSON.stringify(file)}); process.kill(process.pid, 'SIGKILL');`], {
        env: { ...process.env, HARNESS_TOXIPROXY_TOKEN: token },
        stdio: 'ignore',
      });
      await new Promise((r) => harness.once('exit', r));
      const deadline = Date.now() + 15_000;
      let left: string[] = [];
      do {
        await new Promise((r) => setTimeout(r, 100));
        left = Object.keys(await client.getAll()).sort();
      } while (left.length > 1 && Date.now() < deadline);
      assert.deepEqual(left, ['other']);
    });
  }
});
