/**
 * A real VictoriaMetrics (Debian `victoria-metrics`; `harness setup --for test` installs it) for
 * the InfluxDB output's tests: it takes line protocol on `/api/v2/write` and keeps every sample,
 * duplicates included (no dedup), so a test can count exactly what arrived.
 *
 *   await using vm = await startVictoriaMetrics();   // free 127.0.0.1 port, temp storage
 *   await vm.stop(); await vm.start();                // an outage, same port and data
 *   const n = await vm.countSamples();                // { 'http_reqs_count': 12, ... }
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from '../../../testing';

export interface StartedVictoriaMetrics extends AsyncDisposable {
  readonly url: string;
  /** The server process while it runs (benchmarks read its CPU time). */
  readonly pid: number | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Samples stored per metric name (`<measurement>_<field>`), after a flush. */
  countSamples(): Promise<Record<string, number>>;
  /** Every stored series with its values and timestamps (ms). */
  export(): Promise<Array<{ metric: Record<string, string>; values: number[]; timestamps: number[] }>>;
  /** Stops it and removes its storage. */
  dispose(): Promise<void>;
}

/** The binary (VICTORIA_METRICS_BIN or `victoria-metrics` on PATH), or why it is missing. */
export function victoriaMetricsBin(): { bin?: string; why?: string } {
  const bin = process.env.VICTORIA_METRICS_BIN ?? 'victoria-metrics';
  const r = spawnSync(bin, ['-version'], { encoding: 'utf8', timeout: 10_000 });
  return r.error ? { why: `${bin} not found (apt-get install -y victoria-metrics, or \`harness setup --for test\`)` } : { bin };
}

export async function startVictoriaMetrics(bin = victoriaMetricsBin().bin ?? 'victoria-metrics'): Promise<StartedVictoriaMetrics> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const data = mkdtempSync(join(tmpdir(), 'vm-'));
  let child: ChildProcess | undefined;
  const url = `http://${host}:${port}`;

  const start = async () => {
    if (child) return;
    // A graceful stop waits for open (kept-alive) connections up to -http.maxGracefulShutdownDuration
    // (7 s by default) before it flushes the data it acknowledged; past the SIGKILL fallback below
    // that data would be lost by the server, and an outage test would blame the writer.
    const p = spawn(bin, [`-storageDataPath=${data}`, `-httpListenAddr=${host}:${port}`, '-retentionPeriod=100y', '-loggerLevel=ERROR', '-http.maxGracefulShutdownDuration=1s'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr?.on('data', (d) => (err = (err + d).slice(-2000)));
    const exited = new Promise<never>((_, reject) => p.once('exit', (code) => reject(new Error(`victoria-metrics exited (code ${code}): ${err}`))));
    exited.catch(() => {});
    await Promise.race([waitForPort(host, port, 15_000), exited]);
    child = p;
  };
  const stop = async () => {
    const p = child;
    child = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => p.kill('SIGKILL'), 15_000);
      p.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      p.kill('SIGTERM');
    });
  };
  const exportAll = async () => {
    await fetch(`${url}/internal/force_flush`).catch(() => undefined);
    const body = new URLSearchParams({ 'match[]': '{__name__!=""}', start: '0', end: String(Math.floor(Date.now() / 1000) + 86_400) });
    const res = await fetch(`${url}/api/v1/export`, { method: 'POST', body });
    if (!res.ok) throw new Error(`export: HTTP ${res.status}`);
    return (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { metric: Record<string, string>; values: number[]; timestamps: number[] });
  };
  const dispose = async () => {
    await stop();
    rmSync(data, { recursive: true, force: true });
  };
  await start();
  return {
    url,
    get pid() {
      return child?.pid;
    },
    start,
    stop,
    export: exportAll,
    async countSamples() {
      const out: Record<string, number> = {};
      for (const s of await exportAll()) out[s.metric.__name__] = (out[s.metric.__name__] ?? 0) + s.values.length;
      return out;
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}

/**
 * Mocha hooks for a suite that writes to a VictoriaMetrics: one server before the suite (the
 * suite skips, saying why, when the binary is missing) and disposed after it. The returned
 * handle forwards to that server, so tests use it as they would the server itself.
 */
export function useVictoriaMetrics(): StartedVictoriaMetrics {
  let started: StartedVictoriaMetrics | undefined;
  before(async function () {
    const { bin, why } = victoriaMetricsBin();
    if (!bin) {
      console.log(`    skipped: ${why}`);
      this.skip();
    }
    started = await startVictoriaMetrics(bin);
  });
  after(async () => started?.dispose());
  const server = (): StartedVictoriaMetrics => {
    if (!started) throw new Error('VictoriaMetrics is not running: use it inside the suite that called useVictoriaMetrics()');
    return started;
  };
  return {
    get url() {
      return server().url;
    },
    get pid() {
      return server().pid;
    },
    start: () => server().start(),
    stop: () => server().stop(),
    countSamples: () => server().countSamples(),
    export: () => server().export(),
    dispose: () => server().dispose(),
    [Symbol.asyncDispose]: () => server().dispose(),
  };
}
