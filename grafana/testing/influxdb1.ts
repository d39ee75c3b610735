/**
 * A real InfluxDB 1.x (`influxd`, Debian package `influxdb`) for the dashboards' tests: its v1
 * `/write` takes the same line protocol as `/api/v2/write`, and `/query` runs InfluxQL, which
 * is what the Grafana panels send. Free loopback ports, storage in a temp dir, removed by stop().
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from '../../harness/testing';

export interface StartedInfluxdb1 extends AsyncDisposable {
  readonly url: string;
  /** Line protocol into `db` (created on first use), nanosecond timestamps. */
  write(db: string, lines: string[]): Promise<void>;
  /** InfluxQL; returns the JSON `results` (throws on an HTTP error; statement errors are in the results). */
  query(db: string, q: string): Promise<Array<{ error?: string; series?: Array<{ name: string; columns: string[]; values: unknown[][]; tags?: Record<string, string> }> }>>;
  stop(): Promise<void>;
}

export function influxd1Bin(): { bin?: string; why?: string } {
  const bin = process.env.INFLUXD_BIN ?? 'influxd';
  const r = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return { why: `${bin} not found (apt-get install -y influxdb, or \`harness setup --for test\`)` };
  if (!/InfluxDB v?1\./.test(r.stdout)) return { why: `${bin} is not InfluxDB 1.x (${r.stdout.trim()})` };
  return { bin };
}

export async function startInfluxdb1(bin = influxd1Bin().bin ?? 'influxd'): Promise<StartedInfluxdb1> {
  const host = '127.0.0.1';
  const [http, rpc] = [await freePort(host), await freePort(host)];
  const dir = mkdtempSync(join(tmpdir(), 'influxd1-'));
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
      `  bind-address = "${host}:${http}"`,
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
  try {
    await Promise.race([waitForPort(host, http, 20_000), exited]);
  } catch (e) {
    child.kill('SIGKILL'); // never leave a half-started server behind
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const url = `http://${host}:${http}`;
  const dbs = new Set<string>();
  const query = async (db: string, q: string) => {
    const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ db, q, epoch: 'ms' }) });
    const body = (await res.json()) as { results?: Awaited<ReturnType<StartedInfluxdb1['query']>>; error?: string };
    if (!res.ok || body.error) throw new Error(`query ${q}: HTTP ${res.status} ${body.error ?? ''}`);
    return body.results ?? [];
  };
  const stop = async () => {
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
  return {
    url,
    query,
    async write(db, lines) {
      if (!dbs.has(db)) {
        await query(db, `CREATE DATABASE "${db}"`);
        dbs.add(db);
      }
      for (let i = 0; i < lines.length; i += 5000) {
        const res = await fetch(`${url}/write?db=${encodeURIComponent(db)}&precision=ns`, { method: 'POST', body: lines.slice(i, i + 5000).join('\n') });
        if (res.status !== 204) throw new Error(`write: HTTP ${res.status} ${await res.text()}`);
      }
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
