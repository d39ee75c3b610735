/**
 * Benchmark suite `gateway`: autocannon POSTs one sample to /telemetry at 200 connections
 * against (a) the TelemetryHub gateway (its default WORKERS: cores minus one) with a real
 * redis-server and the worker draining the queue, and (b) a single-process trivial node:http
 * server answering 202. Runs alternate (trivial, gateway, trivial, gateway, ...) so both see
 * the same machine load; the figure that matters is each round's ratio and their median.
 * Goal (issue 15): at 200 connections the gateway keeps >= 0.5x the trivial throughput, with
 * zero errors and p99 < 20 ms. Afterwards the queue drains and the accounting must balance.
 * Env: BENCH_GATEWAY_SECONDS (default 10 per run), BENCH_GATEWAY_ROUNDS (default 3),
 * BENCH_GATEWAY_WORKERS (gateway processes; default the gateway's own WORKERS default).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { launchTarget } from '../../target/launcher';
import { waitForDrain } from '../../target/shared/accounting';
import { freePort, startRedisServer } from '../testing/index';
import type { BenchResult, BenchSuite } from './types';

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const BODY = '{"device_id":"bench-1","timestamp":1700000000000,"metrics":{"temp_c":21.5,"rssi":-70,"battery":0.93}}';
const CONNECTIONS = 200;

const TRIVIAL = `
import http from 'node:http';
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(202, { 'content-type': 'application/json' }); res.end('{"id":"00000000-0000-0000-0000-000000000000","status":202}'); });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('trivial listening'));
`;

interface Cannon {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  /** CPU µs the server's processes spent per request during the run. */
  cpuUs?: number;
}

/** autocannon in its own process (its CPU is not the bench's event loop), --json summary. */
function autocannon(url: string, connections: number, seconds: number): Promise<Cannon> {
  return new Promise((resolve, reject) => {
    const args = [AUTOCANNON, '-j', '-c', String(connections), '-d', String(seconds), '-t', '5', '-m', 'POST', '-H', 'content-type=application/json', '-b', BODY, url];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => {
      try {
        const j = JSON.parse(out) as {
          requests: { average: number; total: number };
          latency: { p50: number; p99: number; max: number };
          errors: number;
          timeouts: number;
          non2xx: number;
        };
        resolve({ rps: j.requests.average, total: j.requests.total, p50: j.latency.p50, p99: j.latency.p99, max: j.latency.max, errors: j.errors + j.timeouts + j.non2xx });
      } catch {
        reject(new Error(`autocannon (exit ${code}) printed no JSON summary:\n${out.slice(0, 2000)}\n${err.slice(-2000)}`));
      }
    });
  });
}

/**
 * CPU time (ms) used so far by `pid` and its children (a cluster's workers), from /proc: a figure
 * that, unlike throughput, hardly depends on what else the shared machine is running.
 */
function treeCpuMs(pid: number): number {
  const stat = (p: number) => {
    try {
      // after "pid (comm) ": state ppid ... utime(14th field) stime(15th), in clock ticks (100/s)
      return readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
    } catch {
      return undefined;
    }
  };
  let ms = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = stat(Number(name));
    if (f && (Number(name) === pid || Number(f[1]) === pid)) ms += (Number(f[11]) + Number(f[12])) * 10;
  }
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const gatewayBench: BenchSuite = {
  name: 'gateway',
  title: 'Gateway vs trivial node:http (autocannon, POST /telemetry)',
  async run(log): Promise<BenchResult> {
    const seconds = Number(process.env.BENCH_GATEWAY_SECONDS ?? 10);
    const rounds = Number(process.env.BENCH_GATEWAY_ROUNDS ?? 3);
    // Unset: the gateway's own default (WORKERS, see target/gateway/config.ts), read from its ready line.
    const workersEnv = process.env.BENCH_GATEWAY_WORKERS;
    let procs = Number(workersEnv ?? 0);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gateway-bench-'));
    await writeFile(path.join(dir, 'trivial.mjs'), TRIVIAL);
    const cleanup: Array<() => Promise<unknown>> = [];
    try {
      const redis = await startRedisServer();
      cleanup.push(() => redis.stop());
      const worker = await launchTarget('worker', { env: { REDIS_URL: redis.url, LOG_LEVEL: 'warn', WORKER_BATCH_SIZE: '500' } });
      cleanup.push(() => worker.stop());
      const gw = await launchTarget('gateway', {
        env: { PORT: String(await freePort()), REDIS_URL: redis.url, WORKERS: workersEnv, LOG_LEVEL: 'warn', QUEUE_CAPACITY: '50000000', QUEUE_HIGH_WATER: '50000000' },
        onLine: (line) => {
          const m = /"msg":"gateway listening"/.test(line) && /"workers":(\d+)/.exec(line);
          if (m) procs = Number(m[1]);
        },
      });
      cleanup.push(() => gw.stop());
      const trivialPort = await freePort();
      const trivial = spawn(process.execPath, [path.join(dir, 'trivial.mjs')], { env: { ...process.env, PORT: String(trivialPort) }, stdio: ['ignore', 'pipe', 'inherit'] });
      cleanup.push(async () => {
        trivial.kill('SIGTERM');
        await new Promise((r) => (trivial.exitCode !== null ? r(null) : trivial.once('exit', r)));
      });
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: trivial.stdout! }).on('line', (l) => l.includes('trivial listening') && resolve());
        trivial.once('exit', (c) => reject(new Error(`trivial server exited ${c}`)));
      });
      const targets = { trivial: `http://127.0.0.1:${trivialPort}/telemetry`, gateway: `${gw.url}/telemetry` };

      const loadBefore = os.loadavg()[0];
      log(`warm-up (3 s each), then ${rounds} rounds of ${seconds} s per server at ${CONNECTIONS} connections; gateway ${procs} process(es), trivial 1`);
      await autocannon(targets.trivial, 50, 3);
      await autocannon(targets.gateway, 50, 3);
      const rows: Array<{ round: number; server: 'trivial' | 'gateway'; r: Cannon }> = [];
      for (let round = 1; round <= rounds; round++) {
        // Alternate which goes first so neither always runs on the warmer (or busier) side of a round.
        const order = round % 2 ? (['trivial', 'gateway'] as const) : (['gateway', 'trivial'] as const);
        for (const server of order) {
          const pid = server === 'gateway' ? gw.pid : trivial.pid!;
          const cpu0 = treeCpuMs(pid);
          const r = await autocannon(targets[server], CONNECTIONS, seconds);
          r.cpuUs = ((treeCpuMs(pid) - cpu0) * 1000) / Math.max(1, r.total);
          rows.push({ round, server, r });
          log(`round ${round} ${server}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, ${r.cpuUs!.toFixed(0)} µs CPU/request`);
        }
      }
      const loadAfter = os.loadavg()[0];
      const report = await waitForDrain(redis.url, { timeoutMs: 120_000 });
      log(`accounting after drain: accepted ${report.accepted}, processed ${report.processed}, missing ${report.missing}, ok ${report.ok}`);

      const get = (server: string, round: number) => rows.find((x) => x.server === server && x.round === round)!.r;
      const ratios = Array.from({ length: rounds }, (_, i) => get('gateway', i + 1).rps / get('trivial', i + 1).rps);
      const gw200 = rows.filter((x) => x.server === 'gateway').map((x) => x.r);
      const ratio = median(ratios);
      const p99 = median(gw200.map((r) => r.p99));
      const errors = gw200.reduce((a, r) => a + r.errors, 0);
      const cpu = (server: string) => median(rows.filter((x) => x.server === server).map((x) => x.r.cpuUs!));
      const goalsMet = ratio >= 0.5 && errors === 0 && p99 < 20 && report.ok;
      const table = [
        '| round | server | req/s | p50 ms | p99 ms | max ms | errors | CPU µs/request | gateway / trivial req/s |',
        '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
        ...rows.map(({ round, server, r }) => `| ${round} | ${server} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.max} | ${r.errors} | ${r.cpuUs!.toFixed(0)} | ${server === 'gateway' ? `${ratios[round - 1].toFixed(2)}x` : ''} |`),
      ].join('\n');
      const markdown = `autocannon (${CONNECTIONS} connections, ${seconds} s per run after a 3 s warm-up, its own process) POSTs one sample to \`/telemetry\`; ${rounds} rounds alternate the two servers so each round's ratio compares like with like. The gateway (${procs} process(es)${procs > 1 ? ', Node cluster' : ''}${workersEnv ? ', `BENCH_GATEWAY_WORKERS`' : ", its default on this machine: cores minus one"}) answers 202 only after Redis acknowledged the write (one Lua script call per event-loop turn and process for all requests of that turn, each decided alone: capacity check, idempotent LPUSH, counters); the worker drains the queue meanwhile. The trivial server is one \`node:http\` process answering 202 without Redis. Everything shares the same ${os.cpus().length} cores with autocannon, redis-server and the worker. Load average (1 min) was ${loadBefore.toFixed(1)} before the measured runs and ${loadAfter.toFixed(1)} after${loadBefore > os.cpus().length ? ': other work was running on the machine, so absolute figures and p99 are depressed; the per-round ratios and the CPU per request are the comparable figures' : " (the benchmark's own load: nothing else ran on the machine)"}.

${table}

Gateway / trivial throughput at ${CONNECTIONS} connections: **${ratio.toFixed(2)}x** (median of ${ratios.map((x) => x.toFixed(2)).join(', ')}); gateway p99 ${p99} ms (median), ${errors} errors (goal >= 0.5x, zero errors, p99 < 20 ms). CPU per request (median, all processes of the server): gateway ${cpu('gateway').toFixed(0)} µs, trivial ${cpu('trivial').toFixed(0)} µs; the gateway's CPU per request hardly depends on the machine's other load, its throughput and p99 do.

| goal | result | met |
|---|---|---|
| throughput >= 0.5x trivial at ${CONNECTIONS} connections | ${ratio.toFixed(2)}x | ${ratio >= 0.5 ? 'yes' : 'no'} |
| zero errors | ${errors} | ${errors === 0 ? 'yes' : 'no'} |
| p99 < 20 ms | ${p99} ms | ${p99 < 20 ? 'yes' : 'no'} |
| accounting balanced after the drain | ${report.ok ? 'balanced' : 'not balanced'} | ${report.ok ? 'yes' : 'no'} |

Accounting after the queue drained: ${report.accepted} accepted, ${report.processed} processed, ${report.missing} missing, ${report.duplicates} duplicates (${report.ok ? 'balanced' : '**not balanced**'}).
`;
      return { markdown, goalsMet };
    } finally {
      for (const c of cleanup.reverse()) await c().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
  },
};
