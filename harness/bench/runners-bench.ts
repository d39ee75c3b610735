/**
 * `npm run bench -- runners`: the built-in engine as `--runners N` (N = cores) against one real
 * k6 v0.48 process and one built-in process, in one run, on the trivial node:http target
 * (POST -> 202, 127.0.0.1), the same script (50 VUs constant-vus, POST + check):
 *   - req/s of each, from the (merged) summary export
 *   - CPU time of every engine process (utime + stime from /proc/<pid>/stat, sampled until it
 *     exits), as cores busy over the test: how the runners spread over the cores
 *   - the merge's cost: this process's CPU (where ConcatRunnerMerge runs) over the runners' total
 *     (the lifecycle instance that runs setup/teardown/the summary, spawned first, is shown apart:
 *     it is mostly one script load, not load generation), and the CPU per request of the runners,
 *     the merge and one process: the runners aggregate what the merge no longer decodes, so their
 *     CPU per request should not grow by more than the merge's fell
 * Goals (issue 13): runners >= 1.5x real k6's req/s; the merge adds <= 5% CPU. Without real k6
 * (K6_BIN or PATH) its rows say why and the ratio goal is not judged.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuiltinEngine, K6Engine, RunnersEngine, type Engine } from '../engines';
import { findRealK6 } from '../testing/real-tools';
import { goalsSection, type BenchResult, type BenchSuite } from './types';
import { trivialPostScript } from './trivial-target';

const SECONDS = Number(process.env.RUNNERS_BENCH_SECONDS ?? 10);
const TICK_S = 100; // USER_HZ on Linux
const TRIVIAL = fileURLToPath(new URL('./trivial-target.ts', import.meta.url));

interface Measured {
  rps: number;
  reqs: number;
  /** CPU seconds per engine process. */
  cpu: number[];
  wallS: number;
  /** CPU seconds of this process during the run (the merge, for runners). */
  selfCpu: number;
}

/** CPU seconds per process group of the groups in `pgids` (an engine and anything it spawned), one /proc scan. */
function groupCpuSeconds(pgids: readonly number[]): Map<number, number> {
  const totals = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ');
      // after `(comm)`: state ppid pgrp ... utime (11) stime (12)
      const pg = Number(f[2]);
      if (!pgids.includes(pg)) continue;
      totals.set(pg, (totals.get(pg) ?? 0) + (Number(f[11]) + Number(f[12])) / TICK_S);
    } catch {
      // gone meanwhile
    }
  }
  return totals;
}

/** The trivial target in its own process, so this process's CPU is the merge's alone. */
async function startTargetProcess(): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', `import('${TRIVIAL}').then(async (m) => { const t = await m.startTrivialTarget(); process.stdout.write(t.url + '\\n'); })`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((res, rej) => {
    child.stdout.setEncoding('utf8');
    child.stdout.once('data', (d: string) => res(d.trim()));
    child.once('exit', (c) => rej(new Error(`trivial target exited ${c}`)));
  });
  return { url, close: async () => void child.kill('SIGKILL') };
}

async function measure(engine: Engine, script: string, dir: string, url: string, env: Record<string, string | undefined>): Promise<Measured> {
  const cpu = new Map<number, number>();
  const pids: number[] = [];
  const sampler = setInterval(() => {
    // a group's CPU only grows: keep the highest seen (its last sample before it exited)
    for (const [p, c] of groupCpuSeconds(pids)) cpu.set(p, Math.max(c, cpu.get(p) ?? 0));
  }, 100);
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = join(dir, `summary-${Date.now()}.json`);
  try {
    const r = await engine.run({
      scriptPath: script,
      cwd: dir,
      env,
      args: { env: { BASE_URL: url }, summaryExportPath: summary, outJsonPath: join(dir, `out-${Date.now()}.ndjson`), quiet: true },
      onStart: (pid) => pids.push(pid),
    });
    if (r.exitCode !== 0) throw new Error(`${engine.description} exited ${r.exitCode}`);
  } finally {
    clearInterval(sampler);
  }
  const wallS = (performance.now() - t0) / 1000;
  const self = process.cpuUsage(self0);
  const se = JSON.parse(await readFile(summary, 'utf8'));
  return { rps: se.metrics.http_reqs.rate, reqs: se.metrics.http_reqs.count, cpu: pids.map((p) => cpu.get(p) ?? 0), wallS, selfCpu: (self.user + self.system) / 1e6 };
}

const cores = (m: Measured) => m.cpu.map((c) => (c / m.wallS).toFixed(2)).join(' + ');

export const runnersBench: BenchSuite = {
  name: 'runners',
  title: 'All cores on one machine: --runners vs real k6',
  async run(log): Promise<BenchResult> {
    const n = availableParallelism();
    const dir = await mkdtemp(join(tmpdir(), 'runners-bench-'));
    const target = await startTargetProcess();
    const load = loadavg().map((l) => l.toFixed(2)).join(' ');
    try {
      const script = join(dir, 'post.js');
      await writeFile(
        script,
        trivialPostScript(SECONDS),
      );
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, K6_NO_USAGE_REPORT: 'true' };
      log(`builtin, --runners ${n}, 50 VUs, ${SECONDS} s ...`);
      const runners = await measure(new RunnersEngine(new BuiltinEngine(), { runners: n }), script, dir, target.url, env);
      log(`runners: ${runners.rps.toFixed(0)} req/s, cores ${cores(runners)}, merge ${runners.selfCpu.toFixed(2)} CPU s`);
      log(`builtin, 1 process, 50 VUs, ${SECONDS} s ...`);
      const single = await measure(new BuiltinEngine(), script, dir, target.url, env);
      log(`single: ${single.rps.toFixed(0)} req/s, cores ${cores(single)}`);
      const k6 = findRealK6();
      let real: Measured | undefined;
      if (k6.found) {
        log(`real k6 ${k6.tool.version}, 50 VUs, ${SECONDS} s ...`);
        real = await measure(new K6Engine(), script, dir, target.url, { ...env, K6_BIN: k6.tool.path });
        log(`k6: ${real.rps.toFixed(0)} req/s, cores ${cores(real)}`);
      } else log(`real k6 skipped: ${k6.reason}`);
      // the first process of a --runners run is its lifecycle instance (RunnersEngine spawns it first)
      const lifecycleCpu = runners.cpu.length > n ? runners.cpu[0] : 0;
      const runnerCpu = runners.cpu.reduce((a, c) => a + c, 0) - lifecycleCpu;
      // this process also samples /proc for the CPU figures: the single run's self CPU (no merge)
      // per wall second is that overhead, taken off
      const mergeCpu = Math.max(0, runners.selfCpu - (single.selfCpu / single.wallS) * runners.wallS);
      const mergeShare = mergeCpu / runnerCpu;
      // where the merge's per-line work moved (the runners aggregate): their CPU per request, beside one process's
      const usPerReq = (cpuS: number, reqs: number) => (reqs > 0 ? ((cpuS / reqs) * 1e6).toFixed(0) : '-');
      const singleCpu = single.cpu.reduce((a, c) => a + c, 0);
      const ratio = real ? runners.rps / real.rps : undefined;
      const goals = [
        { name: `--runners ${n} >= 1.5x real k6 req/s`, ok: ratio === undefined || ratio >= 1.5, value: ratio === undefined ? 'not judged (no real k6)' : `${ratio.toFixed(2)}x` },
        { name: 'merge adds <= 5% CPU', ok: mergeShare <= 0.05, value: `${(mergeShare * 100).toFixed(1)}%` },
      ];
      const row = (what: string, m: Measured) => `| ${what} | ${m.rps.toFixed(0)} | ${m.reqs} | ${cores(m)} |`;
      const goalTable = goalsSection(goals);
      const markdown = [
        `Machine: ${n} cores, load average at start ${load} (shared with other agents: absolute figures are noisy, compare the ratios). Target: node:http on 127.0.0.1, POST /telemetry -> 202; 50 VUs constant-vus (POST + check), ${SECONDS} s, \`--out json\` on every engine.`,
        '',
        '| engine | req/s | requests | cores busy per process (CPU s / wall s) |',
        '|---|---|---|---|',
        row(`built-in, \`--runners ${n}\` (merged; the setup/teardown/summary instance first)`, runners),
        row('built-in, one process', single),
        real ? row(`real k6 ${k6.found ? k6.tool.version : ''}`, real) : '| real k6 | skipped: no K6_BIN / k6 on PATH | | |',
        '',
        `Merge (ConcatRunnerMerge in the harness process, the /proc sampling overhead measured in the single run taken off): ${mergeCpu.toFixed(2)} CPU s against ${runnerCpu.toFixed(2)} CPU s of runners (${(mergeShare * 100).toFixed(1)}%; the setup/teardown/summary instance's ${lifecycleCpu.toFixed(2)} CPU s not counted as runners'). CPU per request: runners ${usPerReq(runnerCpu, runners.reqs)} µs, merge ${usPerReq(mergeCpu, runners.reqs)} µs, one built-in process ${usPerReq(singleCpu, single.reqs)} µs. With the built-in engine the runners append their raw lines to the run's samples file themselves and ship their metric aggregates: the merge reads only those (docs/scaling.md).`,
        '',
        ...goalTable.lines,
      ].join('\n');
      return { markdown, goalsMet: goalTable.met };
    } finally {
      await target.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
