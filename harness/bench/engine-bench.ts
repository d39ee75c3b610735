/**
 * `npm run bench -- engine`: the built-in k6 engine against wrk, in one run, on one trivial
 * node:http target (POST -> 202) on 127.0.0.1:
 *   - wrk max req/s at 50 connections (POST via a Lua script): the near-physical limit
 *   - the engine at 50 VUs (constant-vus, POST + check, no sleep) as a child process
 *     `node harness/bin/harness.mjs k6 run`: req/s, ratio to wrk, CPU µs per request (the
 *     engine's own process.cpuUsage() over the test run, from HARNESS_K6_STATS_FILE)
 *   - the same with `--out json=FILE` (informative: `harness run` always writes the JSON stream)
 *   - peak RSS (VmHWM) of the engine with 200 and 1,000 VUs that only sleep(1), and the time
 *     from process start until 200 VUs are initialised and the test clock starts.
 * Goals (issue 3): >= 0.35x wrk, <= 155 µs CPU/request, 1,000 VUs < 2 GiB, 200 VUs start < 3 s.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goalsSection, type BenchResult, type BenchSuite } from './types';
import { startTrivialTarget, trivialPostScript } from './trivial-target';

const HARNESS_BIN = fileURLToPath(new URL('../bin/harness.mjs', import.meta.url));
const SECONDS = Number(process.env.ENGINE_BENCH_SECONDS ?? 10);

interface EngineStats {
  cpuUserUs: number;
  cpuSystemUs: number;
  cpuRunUs: number;
  peakRssKiB: number;
  startupMs: number;
  vusMax: number;
  iterations: number;
}

function wrk(url: string, dir: string, seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t2', '-c50', `-d${seconds}s`, '-s', join(dir, 'post.lua'), `${url}/telemetry`], { timeout: (seconds + 20) * 1000 }, (err, stdout) => {
      if (err) return reject(new Error(`wrk failed: ${err.message}`));
      const m = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
      if (!m) return reject(new Error(`cannot read wrk output:\n${stdout}`));
      resolve(Number(m[1]));
    });
  });
}

async function engine(script: string, dir: string, url: string, extraArgs: string[] = []): Promise<{ stats: EngineStats; reqs: number; reqRate: number; ms: number }> {
  const statsFile = join(dir, `stats-${Date.now()}.json`);
  const summary = join(dir, `summary-${Date.now()}.json`);
  const t0 = performance.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [HARNESS_BIN, 'k6', 'run', '--quiet', '--summary-export', summary, '-e', `BASE_URL=${url}`, ...extraArgs, script], {
      cwd: dir,
      env: { ...process.env, HARNESS_K6_STATS_FILE: statsFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c) => (err = (err + c).slice(-4000)));
    const kill = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 60) * 1000);
    child.on('error', reject);
    child.on('exit', (c) => {
      clearTimeout(kill);
      if (c !== 0) reject(new Error(`engine exited ${c}: ${err}`));
      else resolve(c);
    });
  });
  void code;
  const stats = JSON.parse(await readFile(statsFile, 'utf8')) as EngineStats;
  const se = JSON.parse(await readFile(summary, 'utf8').catch(() => '{"metrics":{}}'));
  const reqs = se.metrics?.http_reqs?.count ?? 0;
  const reqRate = se.metrics?.http_reqs?.rate ?? 0;
  return { stats, reqs, reqRate, ms: performance.now() - t0 };
}

export const engineBench: BenchSuite = {
  name: 'engine',
  title: 'Built-in k6 engine vs wrk',
  async run(log): Promise<BenchResult> {
    const dir = await mkdtemp(join(tmpdir(), 'engine-bench-'));
    const target = await startTrivialTarget();
    try {
      await writeFile(join(dir, 'post.lua'), `wrk.method = "POST"\nwrk.body = '{"device_id":"dev-1","temp":21.5}'\nwrk.headers["Content-Type"] = "application/json"\n`);
      await writeFile(
        join(dir, 'post.js'),
        trivialPostScript(SECONDS),
      );
      const sleeper = (vus: number) => `import { sleep } from 'k6';\nexport const options = { vus: ${vus}, duration: '5s' };\nexport default function () { sleep(1); }\n`;
      await writeFile(join(dir, 'sleep200.js'), sleeper(200));
      await writeFile(join(dir, 'sleep1000.js'), sleeper(1000));

      log(`wrk, 50 connections, ${SECONDS} s ...`);
      const wrkRps = await wrk(target.url, dir, SECONDS);
      log(`wrk: ${wrkRps.toFixed(0)} req/s`);
      log(`engine, 50 VUs constant-vus, ${SECONDS} s ...`);
      const e = await engine(join(dir, 'post.js'), dir, target.url);
      const cpuPerReq = e.reqs ? e.stats.cpuRunUs / e.reqs : Infinity;
      const ratio = e.reqRate / wrkRps;
      log(`engine: ${e.reqRate.toFixed(0)} req/s (${ratio.toFixed(2)}x wrk), ${cpuPerReq.toFixed(0)} µs CPU/request`);
      // `harness run` always writes the JSON stream: its cost per request, informative (no goal)
      log(`engine with --out json, 50 VUs constant-vus, ${SECONDS} s ...`);
      const ej = await engine(join(dir, 'post.js'), dir, target.url, ['--out', `json=${join(dir, 'out.json')}`]);
      const cpuPerReqJson = ej.reqs ? ej.stats.cpuRunUs / ej.reqs : Infinity;
      await rm(join(dir, 'out.json'), { force: true });
      log(`engine with --out json: ${ej.reqRate.toFixed(0)} req/s (${(ej.reqRate / wrkRps).toFixed(2)}x wrk), ${cpuPerReqJson.toFixed(0)} µs CPU/request`);
      log('engine, 200 VUs sleeping ...');
      const m200 = await engine(join(dir, 'sleep200.js'), dir, target.url);
      log(`200 VUs: peak RSS ${(m200.stats.peakRssKiB / 1024).toFixed(0)} MiB, start-up ${m200.stats.startupMs.toFixed(0)} ms`);
      log('engine, 1,000 VUs sleeping ...');
      const m1000 = await engine(join(dir, 'sleep1000.js'), dir, target.url);
      log(`1,000 VUs: peak RSS ${(m1000.stats.peakRssKiB / 1024).toFixed(0)} MiB, start-up ${m1000.stats.startupMs.toFixed(0)} ms`);

      const goals = [
        { name: 'throughput >= 0.35x wrk', ok: ratio >= 0.35, value: `${ratio.toFixed(2)}x` },
        { name: 'CPU <= 155 µs/request', ok: cpuPerReq <= 155, value: `${cpuPerReq.toFixed(0)} µs` },
        { name: '1,000 VUs < 2 GiB peak RSS', ok: m1000.stats.peakRssKiB < 2 * 1024 * 1024, value: `${(m1000.stats.peakRssKiB / 1024).toFixed(0)} MiB` },
        { name: '200 VUs start < 3 s', ok: m200.stats.startupMs < 3000, value: `${(m200.stats.startupMs / 1000).toFixed(2)} s` },
      ];
      const goalTable = goalsSection(goals);
      const markdown = [
        `Target: node:http on 127.0.0.1, POST /telemetry -> 202. Engine runs as \`node harness/bin/harness.mjs k6 run\` (child process); CPU is the engine process's own \`process.cpuUsage()\` over the test run.`,
        '',
        '| measure | value |',
        '|---|---|',
        `| wrk, 50 connections, ${SECONDS} s | ${wrkRps.toFixed(0)} req/s |`,
        `| engine, 50 VUs constant-vus (POST + check), ${SECONDS} s | ${e.reqRate.toFixed(0)} req/s (${e.reqs} requests) |`,
        `| engine / wrk | ${ratio.toFixed(2)}x |`,
        `| engine CPU per request | ${cpuPerReq.toFixed(0)} µs (${((cpuPerReq * 1000) / 1e6).toFixed(3)} CPU s per 1,000 requests) |`,
        `| engine with \`--out json=FILE\` (what \`harness run\` uses), informative | ${ej.reqRate.toFixed(0)} req/s (${(ej.reqRate / wrkRps).toFixed(2)}x wrk), ${cpuPerReqJson.toFixed(0)} µs CPU/request |`,
        `| engine peak RSS, 200 VUs sleep(1) | ${(m200.stats.peakRssKiB / 1024).toFixed(0)} MiB |`,
        `| engine peak RSS, 1,000 VUs sleep(1) | ${(m1000.stats.peakRssKiB / 1024).toFixed(0)} MiB |`,
        `| start-up to test clock, 200 VUs (process start, script load, VU init) | ${m200.stats.startupMs.toFixed(0)} ms |`,
        `| start-up to test clock, 1,000 VUs | ${m1000.stats.startupMs.toFixed(0)} ms |`,
        '',
        ...goalTable.lines,
        '',
        'Reference (issue 3, same kind of machine): real k6 v0.48 reaches about 0.3–0.4x wrk at about 155 µs CPU per request and holds 1,000 VUs in about 230 MiB.',
      ].join('\n');
      return { markdown, goalsMet: goalTable.met };
    } finally {
      await target.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
