/**
 * Benchmark suite `gateway`: wrk POSTs one sample to /telemetry at 50 and 200 connections
 * against (a) the TelemetryHub gateway with a real redis-server and the worker draining the
 * queue, and (b) a trivial node:http server answering 202 with the same process count, in one
 * run, interleaved, so the figure that matters is the ratio.
 * Goal: at 200 connections the gateway keeps >= 50% of the trivial throughput, with zero
 * errors and p99 < 20 ms. Afterwards the queue drains and the accounting must balance.
 * Env: BENCH_GATEWAY_SECONDS (default 10 per run), BENCH_GATEWAY_WORKERS (default cores).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { launchTarget } from '../../target/launcher';
import { waitForDrain } from '../../target/shared/accounting';
import { freePort, startRedisServer } from '../testing/index';
import type { BenchResult, BenchSuite } from './types';

const WRK = '/usr/bin/wrk';

const LUA = `
wrk.method = "POST"
wrk.body = '{"device_id":"bench-1","timestamp":1700000000000,"metrics":{"temp_c":21.5,"rssi":-70,"battery":0.93}}'
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;

const TRIVIAL = `
import cluster from 'node:cluster';
import http from 'node:http';
const n = Number(process.env.N), port = Number(process.env.PORT);
if (cluster.isPrimary && n > 1) {
  let up = 0;
  cluster.on('listening', () => { if (++up === n) console.log('trivial listening'); });
  for (let i = 0; i < n; i++) cluster.fork();
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.kill(); process.exit(0); });
} else {
  http.createServer((req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(202, { 'content-type': 'application/json' }); res.end('{"id":"00000000-0000-0000-0000-000000000000","status":202}'); });
  }).listen(port, '127.0.0.1', () => { if (n === 1) console.log('trivial listening'); });
}
`;

interface WrkResult {
  requests: number;
  duration_us: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50_us: number;
  p99_us: number;
  max_us: number;
}

function wrk(url: string, script: string, connections: number, seconds: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(WRK, ['-t2', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', '-s', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', (e) => reject(new Error(`cannot run ${WRK}: ${e.message} (apt-get install -y wrk)`)));
    p.on('exit', () => {
      const m = /WRKJSON (\{.*\})/.exec(out);
      if (!m) return reject(new Error(`wrk printed no summary:\n${out}`));
      resolve(JSON.parse(m[1]) as WrkResult);
    });
  });
}

const errorsOf = (r: WrkResult) => r.connect + r.read + r.write + r.status + r.timeout;
const rps = (r: WrkResult) => r.requests / (r.duration_us / 1e6);
const ms = (us: number) => (us / 1000).toFixed(2);

export const gatewayBench: BenchSuite = {
  name: 'gateway',
  title: 'Gateway vs trivial node:http (wrk, POST /telemetry)',
  async run(log): Promise<BenchResult> {
    const seconds = Number(process.env.BENCH_GATEWAY_SECONDS ?? 10);
    const procs = Number(process.env.BENCH_GATEWAY_WORKERS ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gateway-bench-'));
    const script = path.join(dir, 'post.lua');
    await writeFile(script, LUA);
    await writeFile(path.join(dir, 'trivial.mjs'), TRIVIAL);
    const cleanup: Array<() => Promise<unknown>> = [];
    try {
      const redis = await startRedisServer();
      cleanup.push(() => redis.stop());
      const worker = await launchTarget('worker', { env: { REDIS_URL: redis.url, LOG_LEVEL: 'warn', WORKER_BATCH_SIZE: '500' } });
      cleanup.push(() => worker.stop());
      const gw = await launchTarget('gateway', {
        env: { PORT: String(await freePort()), REDIS_URL: redis.url, WORKERS: String(procs), LOG_LEVEL: 'warn', QUEUE_CAPACITY: '50000000', QUEUE_HIGH_WATER: '50000000' },
      });
      cleanup.push(() => gw.stop());
      const trivialPort = await freePort();
      const trivial = spawn(process.execPath, [path.join(dir, 'trivial.mjs')], { env: { ...process.env, N: String(procs), PORT: String(trivialPort) }, stdio: ['ignore', 'pipe', 'inherit'] });
      cleanup.push(async () => {
        trivial.kill('SIGTERM');
        await new Promise((r) => (trivial.exitCode !== null ? r(null) : trivial.once('exit', r)));
      });
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: trivial.stdout! }).on('line', (l) => l.includes('trivial listening') && resolve());
        trivial.once('exit', (c) => reject(new Error(`trivial server exited ${c}`)));
      });
      const targets = { trivial: `http://127.0.0.1:${trivialPort}/telemetry`, gateway: `${gw.url}/telemetry` };

      log(`warm-up (2 s each), then ${seconds} s per run, ${procs} process(es) per server`);
      await wrk(targets.trivial, script, 50, 2);
      await wrk(targets.gateway, script, 50, 2);
      const rows: Array<{ server: string; c: number; r: WrkResult }> = [];
      for (const c of [50, 200]) {
        for (const server of ['trivial', 'gateway'] as const) {
          const r = await wrk(targets[server], script, c, seconds);
          rows.push({ server, c, r });
          log(`${server} c=${c}: ${rps(r).toFixed(0)} req/s, p50 ${ms(r.p50_us)} ms, p99 ${ms(r.p99_us)} ms, errors ${errorsOf(r)}`);
        }
      }
      const report = await waitForDrain(redis.url, { timeoutMs: 120_000 });
      log(`accounting after drain: accepted ${report.accepted}, processed ${report.processed}, missing ${report.missing}, ok ${report.ok}`);

      const get = (server: string, c: number) => rows.find((x) => x.server === server && x.c === c)!.r;
      const ratio = (c: number) => rps(get('gateway', c)) / rps(get('trivial', c));
      const g200 = get('gateway', 200);
      const goalsMet = ratio(200) >= 0.5 && errorsOf(g200) === 0 && errorsOf(get('gateway', 50)) === 0 && g200.p99_us < 20_000 && report.ok;
      const table = [
        '| server | connections | req/s | p50 ms | p99 ms | max ms | errors |',
        '|---|---:|---:|---:|---:|---:|---:|',
        ...rows.map(({ server, c, r }) => `| ${server} | ${c} | ${rps(r).toFixed(0)} | ${ms(r.p50_us)} | ${ms(r.p99_us)} | ${ms(r.max_us)} | ${errorsOf(r)} |`),
      ].join('\n');
      const markdown = `wrk (2 threads, ${seconds} s per run after a 2 s warm-up) POSTs one sample to \`/telemetry\`. The gateway answers 202 only after Redis acknowledged the write (one Lua script call per event-loop turn and process for all requests of that turn, each decided alone: capacity check, idempotent LPUSH, counters); the worker drains the queue meanwhile. The trivial server is \`node:http\` answering 202 without reading Redis. Both run ${procs} process(es) (Node cluster), on the same ${os.cpus().length} cores as wrk, redis-server and the worker.

${table}

Gateway / trivial throughput: **${(ratio(50) * 100).toFixed(0)}%** at 50 connections, **${(ratio(200) * 100).toFixed(0)}%** at 200 connections (goal >= 50% at 200, with zero errors and p99 < 20 ms).

Accounting after the queue drained: ${report.accepted} accepted, ${report.processed} processed, ${report.missing} missing, ${report.duplicates} duplicates (${report.ok ? 'balanced' : '**not balanced**'}).
`;
      return { markdown, goalsMet };
    } finally {
      for (const c of cleanup.reverse()) await c().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
  },
};
