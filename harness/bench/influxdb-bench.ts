/**
 * `npm run bench -- influxdb`: `--out influxdb` on a real VictoriaMetrics (`/api/v2/write`) on
 * 127.0.0.1, the builtin engine against a trivial node:http target in its own process (POST ->
 * 202), 50 VUs:
 *   - the engine's req/s with the JSON stream alone, and with the stream followed live by the
 *     InfluxDB output in this process (rollup, the default, and raw): the observer effect, as the
 *     median of per-round ratios (rounds rotate the order, so load drifting on a shared machine
 *     does not favour one); with this process's CPU per request (and VictoriaMetrics' for raw)
 *   - drain rate: the same output reading a complete stream file from the start to the last point
 *     acknowledged by the server: raw (plain on loopback), raw gzip'd, rollup
 *   - this process's peak RSS over all of it
 *   - the anchor, when real k6 (K6_BIN) and influxd 1.x are here: real k6 without outputs and
 *     with its own `--out influxdb` into InfluxDB 1.x, same script, same target, same rounds
 * Goals (issue 9): >= 300,000 raw points/s, process < 200 MiB, engine keeps >= 90% of its req/s.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { influxd1Bin, startInfluxdb1 } from '../../grafana/testing/influxdb1';
import { influxdbOutput, InfluxSink, type InfluxOutputContext } from '../outputs/influxdb';
import { startVictoriaMetrics, victoriaMetricsBin } from '../outputs/influxdb/testing/victoria-metrics';
import { findRealK6 } from '../testing/real-tools';
import type { BenchResult, BenchSuite } from './types';
import { spawnTrivialTarget, trivialPostScript } from './trivial-target';

const HARNESS_BIN = fileURLToPath(new URL('../bin/harness.mjs', import.meta.url));
const SECONDS = Number(process.env.INFLUX_BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.INFLUX_BENCH_ROUNDS ?? 5);

interface EngineRun {
  rps: number;
  reqs: number;
  /** The engine's own CPU per request (builtin engine only). */
  engineUsPerReq?: number;
  /** k6's warnings that a flush took longer than its push interval (real k6 with --out influxdb). */
  slowFlushes: number;
}

/** An engine as a child process (the builtin one, or real k6 when `bin` is given); resolves with its req/s. */
async function engine(script: string, dir: string, url: string, outArgs: string[], bin?: string): Promise<EngineRun> {
  const summary = join(dir, `summary-${Date.now()}.json`);
  const statsFile = join(dir, `stats-${Date.now()}.json`);
  const [cmd, pre] = bin ? [bin, []] : [process.execPath, [HARNESS_BIN, 'k6']];
  let slowFlushes = 0;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, [...pre, 'run', '--quiet', '--summary-export', summary, ...outArgs, '-e', `BASE_URL=${url}`, script], {
      cwd: dir,
      env: { ...process.env, HARNESS_K6_STATS_FILE: statsFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      slowFlushes += c.toString().split('flush operation took higher').length - 1;
      err = (err + c).slice(-4000);
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 60) * 1000);
    child.on('error', reject);
    child.on('exit', (c) => {
      clearTimeout(kill);
      if (c !== 0) reject(new Error(`${bin ?? 'engine'} exited ${c}: ${err}`));
      else resolve();
    });
  });
  const s = JSON.parse(await readFile(summary, 'utf8')) as { metrics: { http_reqs: { rate: number; count: number } } };
  const run: EngineRun = { rps: s.metrics.http_reqs.rate, reqs: s.metrics.http_reqs.count, slowFlushes };
  if (!bin) {
    const stats = JSON.parse(await readFile(statsFile, 'utf8')) as { cpuRunUs: number };
    run.engineUsPerReq = stats.cpuRunUs / run.reqs;
  }
  return run;
}

function outputFor(vmUrl: string, shape: 'raw' | 'rollup', runDir: string, runId: string, gzip?: boolean) {
  const out = influxdbOutput(
    `${vmUrl}/k6`,
    { url: vmUrl, org: 'harness', bucket: 'k6', shape, dropTags: ['vu', 'iter', 'url'], sampleTarget: false },
    gzip === undefined ? {} : { sink: (s) => new InfluxSink(s, { gzip }) },
  );
  const logs: string[] = [];
  const ctx: InfluxOutputContext = { runId, runDir, cwd: runDir, log: (l) => logs.push(l) };
  return { out, ctx, logs };
}

/** CPU seconds a process has used so far (Linux /proc), or NaN. */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return Number.NaN;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

export const influxdbBench: BenchSuite = {
  name: 'influxdb',
  title: 'InfluxDB streaming (--out influxdb into VictoriaMetrics)',
  async run(log): Promise<BenchResult> {
    const { bin, why } = victoriaMetricsBin();
    if (!bin) return { markdown: `Not measured: ${why}.`, goalsMet: false };
    const loadBefore = os.loadavg()[0];
    const dir = await mkdtemp(join(tmpdir(), 'influx-bench-'));
    const vm = await startVictoriaMetrics(bin);
    const target = await spawnTrivialTarget();
    let peak = process.memoryUsage.rss();
    const rssSampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
    try {
      const script = join(dir, 'post.js');
      await writeFile(
        script,
        trivialPostScript(SECONDS),
      );

      // --- the observer effect: rounds of (alone, live rollup, live raw), order rotated per round
      type Mode = 'alone' | 'rollup' | 'raw';
      // harnessUsPerReq: this process's CPU per request for streaming (the JSON-only run's own share subtracted)
      const runs: Record<Mode, Array<EngineRun & { harnessUsPerReq?: number; vmUsPerReq?: number; spooled?: number; written?: number }>> = { alone: [], rollup: [], raw: [] };
      const modes: Mode[] = ['alone', 'rollup', 'raw'];
      let last = join(dir, 'alone-0.ndjson');
      for (let round = 0; round < ROUNDS; round++) {
        for (const mode of [...modes.slice(round % 3), ...modes.slice(0, round % 3)]) {
          const runDir = join(dir, `${mode}-${round}`);
          await mkdir(runDir);
          const file = join(runDir, 'samples.ndjson');
          if (mode === 'alone') {
            const cpu0 = process.cpuUsage();
            const r = await engine(script, dir, target.url, ['--out', `json=${file}`]);
            const cpu = process.cpuUsage(cpu0);
            // what this process spends without streaming (spawning the engine, sampling RSS): subtracted below
            runs.alone.push({ ...r, harnessUsPerReq: (cpu.user + cpu.system) / r.reqs });
            last = file;
            log(`round ${round + 1}: JSON stream only: ${r.rps.toFixed(0)} req/s (engine ${r.engineUsPerReq?.toFixed(0)} µs CPU/request)`);
            continue;
          }
          const live = outputFor(vm.url, mode, runDir, `bench-live-${mode}-${round}`);
          await live.out.onEngineStart(file, live.ctx);
          const cpu0 = process.cpuUsage();
          const vm0 = processCpuSeconds(vm.pid);
          const r = await engine(script, dir, target.url, ['--out', `json=${file}`]);
          const cpu = process.cpuUsage(cpu0);
          const vmSeconds = processCpuSeconds(vm.pid) - vm0;
          await live.out.onSamplesFile('', live.ctx);
          const info: Record<string, unknown> = {};
          await live.out.afterRun({ info }, live.ctx);
          const rec = info.influxdb as { produced: number; written: number; spooled: number };
          runs[mode].push({ ...r, harnessUsPerReq: (cpu.user + cpu.system) / r.reqs - (runs.alone.at(-1)?.harnessUsPerReq ?? 0), vmUsPerReq: (vmSeconds * 1e6) / r.reqs, spooled: rec.spooled, written: rec.written });
          log(`round ${round + 1}: followed live, ${mode}: ${r.rps.toFixed(0)} req/s; streaming ${runs[mode].at(-1)!.harnessUsPerReq!.toFixed(1)} µs CPU/request, peak RSS so far ${(peak / 2 ** 20).toFixed(0)} MiB; ${rec.written} points written, ${rec.spooled} spooled`);
        }
      }
      const ratio = (mode: 'rollup' | 'raw') => median(runs[mode].map((r, i) => r.rps / runs.alone[i].rps));
      const med = (mode: Mode, f: (r: (typeof runs)[Mode][number]) => number | undefined) => median(runs[mode].map((r) => f(r) ?? Number.NaN));

      // --- drain: a complete stream file (the last JSON-only run) from the start to the last ack
      const drain = async (shape: 'raw' | 'rollup', gzip?: boolean) => {
        const runDir = join(dir, `drain-${shape}${gzip ? '-gzip' : ''}`);
        await mkdir(runDir);
        const o = outputFor(vm.url, shape, runDir, `bench-drain-${shape}`, gzip);
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        await o.out.onEngineStart(last, o.ctx);
        await o.out.onSamplesFile('', o.ctx);
        const info: Record<string, unknown> = {};
        await o.out.afterRun({ info }, o.ctx);
        const s = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const rec = info.influxdb as { produced: number; written: number; spooled: number };
        return { seconds: s, cpuSeconds: (cpu.user + cpu.system) / 1e6, ...rec };
      };
      log('drain a JSON-stream file, raw (plain: the server is on loopback) ...');
      const raw = await drain('raw');
      log(`  ${(raw.produced / raw.seconds).toFixed(0)} points/s, ${((raw.cpuSeconds * 1e6) / raw.produced).toFixed(2)} µs CPU/point, peak RSS so far ${(peak / 2 ** 20).toFixed(0)} MiB`);
      log('drain, raw, gzip ...');
      const rawGzip = await drain('raw', true);
      log(`  ${(rawGzip.produced / rawGzip.seconds).toFixed(0)} points/s, peak RSS so far ${(peak / 2 ** 20).toFixed(0)} MiB`);
      log('drain, rollup ...');
      const rollup = await drain('rollup');
      const samples = raw.produced; // raw: one point per sample
      log(`  ${(samples / rollup.seconds).toFixed(0)} samples/s -> ${rollup.produced} points, peak RSS so far ${(peak / 2 ** 20).toFixed(0)} MiB`);
      clearInterval(rssSampler);
      const peakMiB = Math.max(peak, process.memoryUsage.rss()) / 2 ** 20;

      // --- the anchor: real k6's own --out influxdb into InfluxDB 1.x, same script and target
      const anchor = await realK6Anchor(script, dir, target.url, log);
      const loadAfter = os.loadavg()[0];

      const rollupRatio = ratio('rollup');
      const rawRatio = ratio('raw');
      const rawRate = raw.produced / raw.seconds;
      const spooled = [...runs.rollup, ...runs.raw].reduce((n, r) => n + (r.spooled ?? 0), 0) + raw.spooled + rawGzip.spooled + rollup.spooled;
      const goals = [
        ['>= 300,000 raw points/s from the stream to the server', `${rawRate.toFixed(0)} points/s`, rawRate >= 300_000],
        ['harness process < 200 MiB', `${peakMiB.toFixed(0)} MiB peak RSS (this process, live runs and drains)`, peakMiB < 200],
        ['engine keeps >= 90% of its req/s while streaming (rollup, the default)', `${pct(rollupRatio)} (median of ${ROUNDS} rounds; raw: ${pct(rawRatio)})`, rollupRatio >= 0.9],
        ['nothing spooled (server up)', `${spooled}`, spooled === 0],
      ] as const;
      const alone = med('alone', (r) => r.rps);
      const markdown = [
        `Load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (2 cores shared with other work). ${ROUNDS} rounds of ${SECONDS} s, 50 VUs, POST + check against node:http in its own process; medians.`,
        '',
        '| measure | value |',
        '|---|---|',
        `| builtin engine, JSON stream only | ${alone.toFixed(0)} req/s (engine ${med('alone', (r) => r.engineUsPerReq).toFixed(0)} µs CPU/request) |`,
        `| same, stream followed live by \`--out influxdb\` (rollup, default) | ${med('rollup', (r) => r.rps).toFixed(0)} req/s: **${pct(rollupRatio)}**; streaming ${med('rollup', (r) => r.harnessUsPerReq).toFixed(1)} µs CPU/request, ${runs.rollup.at(-1)?.written} points |`,
        `| same, stream followed live by \`--out influxdb\` (raw) | ${med('raw', (r) => r.rps).toFixed(0)} req/s: **${pct(rawRatio)}**; streaming ${med('raw', (r) => r.harnessUsPerReq).toFixed(1)} µs CPU/request, VictoriaMetrics ${med('raw', (r) => r.vmUsPerReq).toFixed(1)} µs CPU/request, ${runs.raw.at(-1)?.written} points |`,
        `| drain a ${samples}-sample stream, raw (plain on loopback) | ${raw.seconds.toFixed(2)} s: **${rawRate.toFixed(0)} points/s**, ${((raw.cpuSeconds * 1e6) / raw.produced).toFixed(2)} µs CPU/point |`,
        `| drain the same, raw, gzip'd (as to a remote server) | ${rawGzip.seconds.toFixed(2)} s: ${(rawGzip.produced / rawGzip.seconds).toFixed(0)} points/s, ${((rawGzip.cpuSeconds * 1e6) / rawGzip.produced).toFixed(2)} µs CPU/point |`,
        `| drain the same, rollup | ${rollup.seconds.toFixed(2)} s: ${(samples / rollup.seconds).toFixed(0)} samples/s -> ${rollup.produced} points (${(samples / rollup.produced).toFixed(0)}x fewer) |`,
        `| this process, peak RSS | ${peakMiB.toFixed(0)} MiB |`,
        ...anchor.rows,
        '',
        '| goal | result | met |',
        '|---|---|---|',
        ...goals.map(([g, r, ok]) => `| ${g} | ${r} | ${ok ? 'yes' : 'no'} |`),
        '',
        "Sent through `@influxdata/influxdb-client`'s transport, one batch per request, gzip'd at level 1 by the sink when gzip'd (docs/influxdb.md compares it with the client's WriteApi and a plain node:http sender).",
        '',
        "The engine, the target, VictoriaMetrics and this process share the machine's two cores: the req/s ratio is the observer effect of this process reading, rolling up and sending while the engine runs (\"streaming\": this process's CPU per request beyond what it spends during a JSON-only run), plus, for raw, the server's own work storing one point per sample. Single runs on this shared machine vary by ±20%: the ratios are medians of per-round ratios.",
      ].join('\n');
      return { markdown, goalsMet: goals.every(([, , ok]) => ok) };
    } finally {
      clearInterval(rssSampler);
      await target.close();
      await vm.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** Real k6 without outputs and with `--out influxdb=` into InfluxDB 1.x, in rounds; markdown rows (or why not measured). */
async function realK6Anchor(script: string, dir: string, url: string, log: (l: string) => void): Promise<{ rows: string[] }> {
  const k6 = findRealK6();
  const influxd = influxd1Bin();
  if (!k6.found || !influxd.bin) {
    const why = !k6.found ? k6.reason : influxd.why;
    return { rows: [`| anchor: real k6 \`--out influxdb\` into InfluxDB 1.x | not measured here: ${why} (issue 9, by hand: 8.7k req/s, a third of its rate without outputs) |`] };
  }
  const db = await startInfluxdb1(influxd.bin);
  try {
    const none: EngineRun[] = [];
    const influx: EngineRun[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 ? (['influx', 'none'] as const) : (['none', 'influx'] as const)) {
        const r = await engine(script, dir, url, mode === 'none' ? [] : ['--out', `influxdb=${db.url}/k6`], k6.tool.path);
        (mode === 'none' ? none : influx).push(r);
        log(`round ${round + 1}: real k6 ${k6.tool.version}, ${mode === 'none' ? 'no outputs' : '--out influxdb'}: ${r.rps.toFixed(0)} req/s${r.slowFlushes ? `, ${r.slowFlushes} slow-flush warnings` : ''}`);
      }
    }
    const ratio = median(influx.map((r, i) => r.rps / none[i].rps));
    const flushes = median(influx.map((r) => r.slowFlushes));
    return {
      rows: [
        `| anchor: real k6 ${k6.tool.version}, no outputs | ${median(none.map((r) => r.rps)).toFixed(0)} req/s |`,
        `| anchor: real k6, its own \`--out influxdb\` into InfluxDB 1.x (${(await influxdVersion(influxd.bin)) ?? 'influxd'}) | ${median(influx.map((r) => r.rps)).toFixed(0)} req/s: **${pct(ratio)}**${flushes ? `, ${flushes} "flush took higher than the push interval" warnings per run` : ''} |`,
      ],
    };
  } finally {
    await db.stop();
  }
}

async function influxdVersion(bin: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const c = spawn(bin, ['version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('error', () => resolve(undefined));
    c.on('exit', () => resolve(/v?\d+\.\d+\.\d+/.exec(out)?.[0]));
  });
}

