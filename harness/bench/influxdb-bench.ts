/**
 * `npm run bench -- influxdb`: `--out influxdb` on a real VictoriaMetrics (`/api/v2/write`) on
 * 127.0.0.1, the builtin engine against a trivial node:http target (POST -> 202), 50 VUs:
 *   - the engine's req/s with the JSON stream alone, then with the stream followed live by the
 *     InfluxDB output in this process (raw shape: one point per sample): the observer effect
 *   - drain rate: the same output reading a complete stream file from the start to the last point
 *     acknowledged by the server, raw and rollup, with this process's peak RSS
 * Goals (issue 9): >= 300,000 raw points/s, process < 200 MiB, engine keeps >= 90% of its req/s.
 * The anchor (measured by hand, see docs/benchmarks.md): real k6's own `--out influxdb` into
 * InfluxDB 1.6 fell to 8.7k req/s, a third of its rate without outputs.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { influxdbOutput, type InfluxOutputContext } from '../outputs/influxdb';
import { startVictoriaMetrics, victoriaMetricsBin } from '../outputs/influxdb/testing/victoria-metrics';
import type { BenchResult, BenchSuite } from './types';
import { spawnTrivialTarget } from './trivial-target';

const HARNESS_BIN = fileURLToPath(new URL('../bin/harness.mjs', import.meta.url));
const SECONDS = Number(process.env.INFLUX_BENCH_SECONDS ?? 10);

/** The engine as a child process writing the JSON stream to `out`; resolves with its req/s. */
async function engine(script: string, dir: string, url: string, out: string): Promise<number> {
  const summary = join(dir, `summary-${Date.now()}.json`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [HARNESS_BIN, 'k6', 'run', '--quiet', '--no-summary', '--summary-export', summary, '--out', `json=${out}`, '-e', `BASE_URL=${url}`, script], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err = (err + c).slice(-4000)));
    const kill = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 60) * 1000);
    child.on('error', reject);
    child.on('exit', (c) => {
      clearTimeout(kill);
      if (c !== 0) reject(new Error(`engine exited ${c}: ${err}`));
      else resolve();
    });
  });
  const s = JSON.parse(await readFile(summary, 'utf8')) as { metrics: { http_reqs: { rate: number } } };
  return s.metrics.http_reqs.rate;
}

function outputFor(vmUrl: string, shape: 'raw' | 'rollup', runDir: string, runId: string) {
  const out = influxdbOutput(`${vmUrl}/k6`, { url: vmUrl, org: 'harness', bucket: 'k6', shape, dropTags: ['vu', 'iter', 'url'], sampleTarget: false });
  const logs: string[] = [];
  const ctx: InfluxOutputContext = { runId, runDir, cwd: runDir, log: (l) => logs.push(l) };
  return { out, ctx, logs };
}

export const influxdbBench: BenchSuite = {
  name: 'influxdb',
  title: 'InfluxDB streaming (--out influxdb into VictoriaMetrics)',
  async run(log): Promise<BenchResult> {
    const { bin, why } = victoriaMetricsBin();
    if (!bin) return { markdown: `Not measured: ${why}.`, goalsMet: false };
    const dir = await mkdtemp(join(tmpdir(), 'influx-bench-'));
    const vm = await startVictoriaMetrics(bin);
    const target = await spawnTrivialTarget();
    try {
      await writeFile(
        join(dir, 'post.js'),
        `import http from 'k6/http';\nimport { check } from 'k6';\nexport const options = { vus: 50, duration: '${SECONDS}s' };\n` +
          `const body = JSON.stringify({ device_id: 'dev-1', temp: 21.5 });\nconst params = { headers: { 'Content-Type': 'application/json' } };\n` +
          `export default function () { const r = http.post(\`\${__ENV.BASE_URL}/telemetry\`, body, params); check(r, { 'is 202': (x) => x.status === 202 }); }\n`,
      );
      log(`engine, 50 VUs, ${SECONDS} s, JSON stream only ...`);
      const alone = await engine(join(dir, 'post.js'), dir, target.url, join(dir, 'alone.ndjson'));
      log(`  ${alone.toFixed(0)} req/s`);

      const liveRun = async (shape: 'raw' | 'rollup') => {
        log(`engine with the stream followed live by --out influxdb (${shape}) ...`);
        const liveDir = join(dir, `live-${shape}`);
        await mkdir(liveDir);
        const live = outputFor(vm.url, shape, liveDir, `bench-live-${shape}`);
        await live.out.onEngineStart(join(liveDir, 'samples.ndjson'), live.ctx);
        const rps = await engine(join(dir, 'post.js'), dir, target.url, join(liveDir, 'samples.ndjson'));
        await live.out.onSamplesFile('', live.ctx);
        const info: Record<string, unknown> = {};
        await live.out.afterRun({ info }, live.ctx);
        const rec = info.influxdb as { produced: number; written: number; spooled: number };
        log(`  ${rps.toFixed(0)} req/s; ${rec.produced} points, ${rec.written} written, ${rec.spooled} spooled`);
        return { rps, ...rec };
      };
      const liveRollup = await liveRun('rollup');
      const liveRaw = await liveRun('raw');
      const streamed = liveRaw.rps;
      const liveRec = { spooled: liveRaw.spooled + liveRollup.spooled };

      const drain = async (shape: 'raw' | 'rollup') => {
        const runDir = join(dir, `drain-${shape}`);
        await mkdir(runDir);
        const o = outputFor(vm.url, shape, runDir, `bench-drain-${shape}`);
        const rss0 = process.memoryUsage().rss;
        let peak = rss0;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
        const t0 = performance.now();
        await o.out.onEngineStart(join(dir, 'alone.ndjson'), o.ctx);
        await o.out.onSamplesFile('', o.ctx);
        const info: Record<string, unknown> = {};
        await o.out.afterRun({ info }, o.ctx);
        const s = (performance.now() - t0) / 1000;
        clearInterval(sampler);
        const rec = info.influxdb as { produced: number; written: number; spooled: number };
        return { seconds: s, produced: rec.produced, written: rec.written, spooled: rec.spooled, peakMiB: Math.max(peak, process.memoryUsage().rss) / 2 ** 20 };
      };
      log('drain the JSON-stream-only file, raw ...');
      const raw = await drain('raw');
      const lines = raw.produced; // raw: one point per sample
      log(`  ${(raw.produced / raw.seconds).toFixed(0)} points/s, peak RSS ${raw.peakMiB.toFixed(0)} MiB`);
      log('drain, rollup ...');
      const rollup = await drain('rollup');
      log(`  ${(lines / rollup.seconds).toFixed(0)} samples/s -> ${rollup.produced} points, peak RSS ${rollup.peakMiB.toFixed(0)} MiB`);

      const ratio = liveRollup.rps / alone;
      const rawRatio = streamed / alone;
      const rawRate = raw.produced / raw.seconds;
      const peak = Math.max(raw.peakMiB, rollup.peakMiB);
      const goals = [
        ['>= 300,000 raw points/s from the stream to the server', `${rawRate.toFixed(0)} points/s`, rawRate >= 300_000],
        ['harness process < 200 MiB', `${peak.toFixed(0)} MiB peak RSS (bench process)`, peak < 200],
        ['engine keeps >= 90% of its req/s while streaming (rollup, the default)', `${(ratio * 100).toFixed(0)}% (raw: ${(rawRatio * 100).toFixed(0)}%)`, ratio >= 0.9],
        ['nothing spooled (server up)', `${raw.spooled + rollup.spooled + liveRec.spooled}`, raw.spooled + rollup.spooled + liveRec.spooled === 0],
      ] as const;
      const markdown = [
        '| measure | value |',
        '|---|---|',
        `| engine, 50 VUs, ${SECONDS} s, JSON stream only | ${alone.toFixed(0)} req/s |`,
        `| same, stream followed live by \`--out influxdb\` (rollup, default) | ${liveRollup.rps.toFixed(0)} req/s (${(ratio * 100).toFixed(0)}%), ${liveRollup.written} points written |`,
        `| same, stream followed live by \`--out influxdb\` (raw) | ${streamed.toFixed(0)} req/s (${(rawRatio * 100).toFixed(0)}%), ${liveRaw.written} points written |`,
        `| drain a ${lines}-sample stream, raw | ${raw.seconds.toFixed(2)} s: ${rawRate.toFixed(0)} points/s, peak RSS ${raw.peakMiB.toFixed(0)} MiB |`,
        `| drain the same stream, rollup | ${rollup.seconds.toFixed(2)} s: ${(lines / rollup.seconds).toFixed(0)} samples/s -> ${rollup.produced} points (${(lines / rollup.produced).toFixed(0)}x fewer), peak RSS ${rollup.peakMiB.toFixed(0)} MiB |`,
        '| anchor: real k6 `--out influxdb` into InfluxDB 1.6, 50 VUs, trivial server (issue 9, by hand) | 8.7k req/s, a third of its rate without outputs, 156 µs CPU/request |',
        '',
        '| goal | result | met |',
        '|---|---|---|',
        ...goals.map(([g, r, ok]) => `| ${g} | ${r} | ${ok ? 'yes' : 'no'} |`),
        '',
        'The engine and the output share this machine\'s two cores (with other work on a shared machine): the req/s ratio is the observer effect of the harness process reading, encoding and sending while the engine runs.',
      ].join('\n');
      return { markdown, goalsMet: goals.every(([, , ok]) => ok) };
    } finally {
      await target.close();
      await vm.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
