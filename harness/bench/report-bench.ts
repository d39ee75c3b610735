/**
 * `npm run bench -- report`: how fast a run's report is built from its stored k6 JSON stream
 * (harness/report buildReportData: the vocabulary reader, per-second rollups, thresholds,
 * checks, endpoints; one streaming pass), over a synthetic run of ~0.9 M samples written by
 * the vocabulary's encoder (60 s × 3,000 requests/s × 5 samples). Also: the stream read
 * alone (the shared reader is most of the cost), and report.html's size for a 2-hour run; both
 * runs carry the target's side (target.ndjson.gz, one scrape a second) as a local run does.
 * Wall and CPU rates are both given: on this shared machine the wall rate depends on the
 * other tenants; the CPU rate (samples per CPU-second of this process) much less.
 * Goals (issue 10): >= 300,000 samples/s (CPU rate); report.html < 3 MB for any run length.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReportData, writeReports } from '../report';
import { writeFixtureRun } from '../report/testing/fixture-run';
import { readSamples } from '../../vocabulary';
import type { BenchResult, BenchSuite } from './types';

const ROUNDS = 5;

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = await f();
  const cu = process.cpuUsage(c);
  return { value, wallMs: performance.now() - t, cpuMs: (cu.user + cu.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const k = (n: number) => `${Math.round(n / 1000).toLocaleString('en-US')} k`;

export const reportBench: BenchSuite = {
  name: 'report',
  title: 'Report build (issue 10)',
  async run(log): Promise<BenchResult> {
    const dir = await mkdtemp(join(tmpdir(), 'report-bench-'));
    const long = await mkdtemp(join(tmpdir(), 'report-bench-long-'));
    try {
      writeFixtureRun(dir, { seconds: 60, perSecond: 3000, target: true });
      const loadBefore = os.loadavg()[0];
      const build: Array<{ wall: number; cpu: number }> = [];
      const read: Array<{ wall: number; cpu: number }> = [];
      let samples = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const b = await timed(() => buildReportData(dir));
        samples = b.value.totals.samples;
        build.push({ wall: (samples / b.wallMs) * 1000, cpu: (samples / b.cpuMs) * 1000 });
        const r = await timed(async () => {
          let n = 0;
          for await (const _ of readSamples(join(dir, 'samples.ndjson'), { bufferBytes: 1 << 20 })) n++;
          return n;
        });
        read.push({ wall: (r.value / r.wallMs) * 1000, cpu: (r.value / r.cpuMs) * 1000 });
        log(`round ${i + 1}: build ${k(build[i].wall)}/s wall, ${k(build[i].cpu)}/s cpu; read ${k(read[i].wall)}/s wall, ${k(read[i].cpu)}/s cpu`);
      }
      const loadAfter = os.loadavg()[0];
      writeFixtureRun(long, { seconds: 7200, perSecond: 1, target: true });
      const { files, data } = await writeReports(long);
      const htmlBytes = (await stat(files[0])).size;
      const buildCpu = median(build.map((b) => b.cpu));
      const goalsMet = buildCpu >= 300_000 && htmlBytes < 3 * 2 ** 20;
      const markdown = [
        `${samples.toLocaleString('en-US')} samples (60 s × 3,000 req/s × 5 samples per request) and 60 target scrapes, ${ROUNDS} rounds, medians. Load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (2 cores shared).`,
        '',
        '| | wall samples/s | CPU samples/s | goal |',
        '|---|---:|---:|---|',
        `| report build (read + rollups + thresholds + checks + endpoints) | ${k(median(build.map((b) => b.wall)))} | ${k(buildCpu)} | ≥ 300 k/s (CPU) ${buildCpu >= 300_000 ? 'met' : '**not met**'} |`,
        `| stream read alone (vocabulary readSamples) | ${k(median(read.map((r) => r.wall)))} | ${k(median(read.map((r) => r.cpu)))} | |`,
        '',
        `report.html for a 2-hour run (7,200 s, 1 req/s, 7,200 target scrapes): ${(htmlBytes / 1024).toFixed(0)} KiB, ${data.series.t.length} chart points of ${data.step} s, ${data.target?.t.length ?? 0} target points of ${data.target?.step ?? '–'} s (goal < 3 MB: ${htmlBytes < 3 * 2 ** 20 ? 'met' : '**not met**'}).`,
      ].join('\n');
      return { markdown, goalsMet };
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(long, { recursive: true, force: true });
    }
  },
};
