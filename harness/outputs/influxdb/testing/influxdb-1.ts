/**
 * A real InfluxDB 1.x (Debian `influxdb`, 1.6 here) for tests that read runs back with InfluxQL:
 * a free 127.0.0.1 port, temp storage, no auth, no reporting. It has no `/api/v2/write`, so the
 * output's sink falls back to its v1 `/write` (and creates the database), as with k6's own output.
 *
 *   const idb = useInfluxDB1();            // in a describe: started before, removed after (skips, saying why, without the binary)
 *   await idb.query('SHOW DATABASES');
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from '../../../testing';

export interface StartedInfluxDB1 {
  readonly url: string;
  /** InfluxQL over /query; the parsed JSON. */
  query(q: string, db?: string): Promise<unknown>;
  dispose(): Promise<void>;
}

/** The binary (INFLUXD_BIN or `influxd` on PATH) when it is InfluxDB 1.x, or why not. */
export function influxd1Bin(): { bin?: string; why?: string } {
  const bin = process.env.INFLUXD_BIN ?? 'influxd';
  const r = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return { why: `${bin} not found (apt-get install -y influxdb: InfluxDB 1.x)` };
  if (!/InfluxDB v?1\./.test(r.stdout)) return { why: `${bin} is not InfluxDB 1.x (${r.stdout.trim()})` };
  return { bin };
}

export async function startInfluxDB1(bin = influxd1Bin().bin ?? 'influxd'): Promise<StartedInfluxDB1> {
  const host = '127.0.0.1';
  const [port, rpc] = [await freePort(host), await freePort(host)];
  const dir = mkdtempSync(join(tmpdir(), 'influxdb1-'));
  const conf = join(dir, 'influxdb.conf');
  writeFileSync(
    conf,
    [
      'reporting-disabled = true',
      `bind-address = "${host}:${rpc}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[http]',
      `  bind-address = "${host}:${port}"`,
      '  log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(bin, ['-config', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d) => (err = (err + d).slice(-2000)));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`influxd exited (code ${code}): ${err}`))));
  exited.catch(() => {});
  const url = `http://${host}:${port}`;
  const dispose = async () => {
    if (child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([waitForPort(host, port, 20_000), exited]);
  } catch (e) {
    await dispose();
    throw e;
  }
  return {
    url,
    async query(q, db) {
      const res = await fetch(`${url}/query?${new URLSearchParams({ q, ...(db ? { db } : {}) })}`, { method: 'POST' });
      return res.json();
    },
    dispose,
  };
}

/** Mocha hooks: one server for the suite (skipped, saying why, when influxd 1.x is missing). */
export function useInfluxDB1(): StartedInfluxDB1 {
  let started: StartedInfluxDB1 | undefined;
  before(async function () {
    const { bin, why } = influxd1Bin();
    if (!bin) {
      console.log(`    skipped: ${why}`);
      this.skip();
    }
    started = await startInfluxDB1(bin);
  });
  after(async () => started?.dispose());
  const server = () => {
    if (!started) throw new Error('InfluxDB 1.x is not running: use it inside the suite that called useInfluxDB1()');
    return started;
  };
  return {
    get url() {
      return server().url;
    },
    query: (q, db) => server().query(q, db),
    dispose: () => server().dispose(),
  };
}
