/**
 * Benchmark suite `gate` (issue 11, "Proof"): how often does `harness run --baseline` catch a
 * known regression, and how often does it cry wolf on an identical run? Spawns the real `harness`
 * binary as CI would (local runtime, builtin engine, no Toxiproxy) in a throwaway project:
 *
 *   1. baseline: BASELINE_RUNS runs of the gate scenario, each saved under one baseline name;
 *   2. trials, interleaved round by round so every size sees the same machine: an identical run
 *      (nothing injected) and runs with an injected delay of SIZE × the baseline's p95, each
 *      `harness run ... --baseline gate-bench`; exit 112 is a catch (a false alarm when nothing
 *      was injected), 0 a pass, anything else an error.
 *
 * The gate scenario is `steady` (constant arrival rate, 50 requests/s: the load does not slow down
 * with the target, so a slower target shows as latency) against a gateway with a base service
 * time of SERVICE_MS (TARGET_INJECT_DELAY_MS, a stand-in for the database call of a real API:
 * the bare gateway answers in ~2 ms, where this machine's scheduling noise alone moves p95 by
 * -50..+85% between runs). A "15% p95 regression" adds 15% of the baseline's median p95 to every
 * request (whole milliseconds: the delay is a timer).
 *
 * Env: BENCH_GATE_TRIALS (identical and 15% trials, default 10; other sizes get half),
 * BENCH_GATE_SECONDS (per run, default 15), BENCH_GATE_BASELINE_RUNS (default 5),
 * BENCH_GATE_SERVICE_MS (default 20), BENCH_GATE_SIZES (default 0.05,0.1,0.15,0.2; `2ms` is a fixed delay),
 * BENCH_GATE_ROLLING=1 makes the baseline rolling, as a CI that saves every main run with
 * `harness baseline save latest --name main --keep N` has it: each identical run (the stand-in for
 * a main run) is saved after it is gated, keeping the newest BASELINE_RUNS; injected runs (the
 * pull requests) never enter it.
 * BENCH_GATE_LOAD_NOTE: a note on what else ran, printed beside the load figures.
 * BENCH_GATE_KEEP=1 keeps the throwaway project (its run directories) and prints where.
 */
import { spawn } from 'node:child_process';
import { readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GateRow } from '../gate/index';
import { throwawayProject } from '../testing/index';
import type { BenchResult, BenchSuite } from './types';

const BIN = fileURLToPath(new URL('../bin/harness.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BASELINE = 'gate-bench';
/** The goal's size: a regression of 15% of p95. */
const GOAL_SIZE = 0.15;

interface Trial {
  round: number;
  /** Requested size (fraction of the baseline p95); 0 for an identical run. */
  size: number;
  injectedMs: number;
  code: number | null;
  /** Rows the gate called regressed (`http_req_duration p95`, ...). */
  regressed: string[];
  /** Rows the gate called inconclusive (a tail that rose on a busier machine). */
  inconclusive: string[];
  /** run.json cpuContention.waitPerCpu: how long the run's processes waited for a CPU per CPU-ms. */
  contention: number;
  /** The whole-run p95's change against the baseline, from gate.json. */
  p95Change: number;
  load: number;
  seconds: number;
}

function harness(cwd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

async function lastRunDir(cwd: string): Promise<string> {
  const root = path.join(cwd, 'reports', 'runs');
  const ids = (await readdir(root)).filter((d) => /^\d{8}T/.test(d)).sort();
  return path.join(root, ids.at(-1)!);
}

/** Whole-run p95 and p50 (ms) of http_req_duration from a run's summary.json (k6's layout). */
async function summaryLatency(runDir: string): Promise<{ p95: number; p50: number }> {
  const s = JSON.parse(await readFile(path.join(runDir, 'summary.json'), 'utf8')) as { metrics: Record<string, { values?: Record<string, number> } & Record<string, unknown>> };
  const m = s.metrics.http_req_duration!;
  const v = (m.values ?? m) as Record<string, number>;
  return { p95: v['p(95)']!, p50: v.med! };
}

/** Wilson score interval (95%) of k successes in n: how sure a count of n trials can be. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.96;
  const p = k / n;
  const mid = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [Math.max(0, mid - half), Math.min(1, mid + half)];
}

const pct = (x: number, digits = 0) => `${(x * 100).toFixed(digits)}%`;
const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : Number.NaN;
};
const cv = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1)) / m;
};

export const gateBench: BenchSuite = {
  name: 'gate',
  title: 'Regression gate: catches and false alarms (harness run --baseline)',
  async run(log): Promise<BenchResult> {
    const trials = Number(process.env.BENCH_GATE_TRIALS ?? 10);
    const seconds = Number(process.env.BENCH_GATE_SECONDS ?? 15);
    const baselineRuns = Number(process.env.BENCH_GATE_BASELINE_RUNS ?? 5);
    const serviceMs = Number(process.env.BENCH_GATE_SERVICE_MS ?? 20);
    const rolling = process.env.BENCH_GATE_ROLLING === '1';
    // a size is a share of the baseline p95 (0.15) or, with "ms", a fixed delay (2ms: for a machine whose p95 is bloated)
    const sizeSpecs = (process.env.BENCH_GATE_SIZES ?? '0.05,0.1,0.15,0.2').split(',').map((x) => x.trim());
    const sizes = sizeSpecs.filter((x) => !x.endsWith('ms')).map(Number);
    const fixedMs = sizeSpecs.filter((x) => x.endsWith('ms')).map((x) => Number(x.slice(0, -2)));
    if (!sizes.includes(GOAL_SIZE)) sizes.push(GOAL_SIZE);
    const cwd = await throwawayProject('harness-gate-bench-', ROOT);
    const common = ['--runtime', 'local', '--engine', 'builtin', '--runners', '1', '--toxiproxy', 'none', '--duration', `${seconds}s`];
    const scenario = 'steady';
    const started = Date.now();
    const loads: number[] = [];
    try {
      // 1. the baseline
      const base: Array<{ p95: number; p50: number }> = [];
      for (let i = 1; i <= baselineRuns; i++) {
        loads.push(os.loadavg()[0]!);
        const r = await harness(cwd, ['run', scenario, ...common], { TARGET_INJECT_DELAY_MS: String(serviceMs) });
        if (r.code !== 0) throw new Error(`baseline run ${i} exited ${r.code}:\n${r.stderr}`);
        const save = await harness(cwd, ['baseline', 'save', 'latest', '--name', BASELINE], {});
        if (save.code !== 0) throw new Error(`baseline save exited ${save.code}:\n${save.stderr}`);
        base.push(await summaryLatency(await lastRunDir(cwd)));
        log(`baseline run ${i}/${baselineRuns}: p50 ${base.at(-1)!.p50.toFixed(1)} ms, p95 ${base.at(-1)!.p95.toFixed(1)} ms (load ${loads.at(-1)!.toFixed(1)})`);
      }
      const baseP95 = med(base.map((b) => b.p95));
      // 2. the trials: identical and each size, interleaved; sizes rounding to the same whole ms run once
      const plan = new Map<number, { size: number; injectedMs: number; n: number }>();
      plan.set(0, { size: 0, injectedMs: 0, n: trials });
      for (const size of [...sizes].sort((a, b) => a - b)) {
        const ms = Math.max(1, Math.round(size * baseP95));
        const n = size === GOAL_SIZE ? trials : Math.max(1, Math.ceil(trials / 2));
        const had = plan.get(ms);
        if (!had || size === GOAL_SIZE) plan.set(ms, { size, injectedMs: ms, n: Math.max(n, had?.n ?? 0) });
      }
      for (const ms of fixedMs) if (!plan.has(ms)) plan.set(ms, { size: ms / baseP95, injectedMs: ms, n: Math.max(1, Math.ceil(trials / 2)) });
      const arms = [...plan.values()].sort((a, b) => a.injectedMs - b.injectedMs);
      log(`baseline p95 ${baseP95.toFixed(1)} ms; arms: ${arms.map((a) => `${a.injectedMs} ms (${pct(a.injectedMs / baseP95)}) x${a.n}`).join(', ')}; ${seconds} s per run`);
      const results: Trial[] = [];
      for (let round = 0; round < trials; round++) {
        const due = arms.filter((a) => a.n > round);
        // rotate the order so no arm always runs first (or last) in a round
        const order = due.map((_, i) => due[(i + round) % due.length]!);
        for (const arm of order) {
          const load = os.loadavg()[0]!;
          loads.push(load);
          const t0 = Date.now();
          const r = await harness(cwd, ['run', scenario, ...common, '--baseline', BASELINE], { TARGET_INJECT_DELAY_MS: String(serviceMs + arm.injectedMs) });
          const dir = await lastRunDir(cwd);
          const gate = JSON.parse(await readFile(path.join(dir, 'gate.json'), 'utf8').catch(() => '{"rows":[]}')) as { rows: GateRow[] };
          const p95Row = gate.rows.find((x) => x.statistic === 'http_req_duration p95' && Object.keys(x.tags).length === 0);
          const t: Trial = {
            round,
            size: arm.size,
            injectedMs: arm.injectedMs,
            code: r.code,
            regressed: gate.rows.filter((x) => x.verdict === 'regressed').map((x) => `${x.statistic}${Object.keys(x.tags).length ? ' {endpoint}' : ''}`),
            inconclusive: gate.rows.filter((x) => x.verdict === 'inconclusive').map((x) => `${x.statistic}${Object.keys(x.tags).length ? ' {endpoint}' : ''}`),
            contention: await readFile(path.join(dir, 'run.json'), 'utf8').then((t) => Number((JSON.parse(t) as { cpuContention?: { waitPerCpu?: number } }).cpuContention?.waitPerCpu), () => Number.NaN),
            p95Change: p95Row?.change ?? Number.NaN,
            load,
            seconds: (Date.now() - t0) / 1000,
          };
          results.push(t);
          log(`round ${round + 1} +${arm.injectedMs} ms: exit ${r.code}, p95 ${pct(t.p95Change, 1)}${t.regressed.length ? `, regressed: ${[...new Set(t.regressed)].join('; ')}` : ''}${t.inconclusive.length ? `, inconclusive: ${[...new Set(t.inconclusive)].join('; ')}` : ''} (contention ${t.contention.toFixed(2)}, load ${load.toFixed(1)}, ${t.seconds.toFixed(0)} s)`);
          if (r.code !== 0 && r.code !== 112) log(`  unexpected exit ${r.code}: ${r.stderr.slice(-600)}`);
          if (rolling && arm.injectedMs === 0) {
            const save = await harness(cwd, ['baseline', 'save', 'latest', '--name', BASELINE, '--keep', String(baselineRuns)], {});
            if (save.code !== 0) throw new Error(`baseline save --keep exited ${save.code}:\n${save.stderr}`);
          }
        }
      }
      return summarise({ results, arms, base, baseP95, trials, seconds, baselineRuns, serviceMs, loads, rolling, minutes: (Date.now() - started) / 60_000 });
    } finally {
      if (process.env.BENCH_GATE_KEEP === '1') log(`kept ${cwd}`);
      else await rm(cwd, { recursive: true, force: true });
    }
  },
};

function summarise(o: {
  results: Trial[];
  arms: Array<{ size: number; injectedMs: number; n: number }>;
  base: Array<{ p95: number; p50: number }>;
  baseP95: number;
  trials: number;
  seconds: number;
  baselineRuns: number;
  serviceMs: number;
  loads: number[];
  rolling: boolean;
  minutes: number;
}): BenchResult {
  const rows = o.arms.map((arm) => {
    const ts = o.results.filter((t) => t.injectedMs === arm.injectedMs);
    const valid = ts.filter((t) => t.code === 0 || t.code === 112);
    const caught = valid.filter((t) => t.code === 112).length;
    const p95Flagged = valid.filter((t) => t.regressed.includes('http_req_duration p95')).length;
    // what the gate would have said without gate.busyMachineFactor: an inconclusive row was a regressed one
    const withoutBusyRule = valid.filter((t) => t.code === 112 || (t.code === 0 && t.inconclusive.length > 0)).length;
    const excused = valid.filter((t) => t.inconclusive.length > 0).length;
    return { arm, n: valid.length, errors: ts.length - valid.length, caught, p95Flagged, withoutBusyRule, excused, p95Change: med(valid.map((t) => t.p95Change)), rows: [...new Set(valid.flatMap((t) => t.regressed))] };
  });
  const identical = rows.find((r) => r.arm.injectedMs === 0)!;
  const goal = rows.find((r) => r.arm.size === GOAL_SIZE)!;
  const falseAlarmRate = identical.n ? identical.caught / identical.n : 1;
  const catchRate = goal.n ? goal.caught / goal.n : 0;
  const smallest = rows.filter((r) => r.arm.injectedMs > 0 && r.n > 0 && r.caught / r.n >= 0.95).sort((a, b) => a.arm.injectedMs - b.arm.injectedMs)[0];
  const goalsMet = catchRate >= 0.95 && falseAlarmRate <= 0.05 && o.seconds <= 60;
  const cores = os.cpus().length;
  const [lMin, lMed, lMax] = [Math.min(...o.loads), med(o.loads), Math.max(...o.loads)];
  const table = [
    '| injected per request | % of baseline p95 | trials | gate failed (exit 112) | 95% interval | p95 row regressed | runs with inconclusive rows | failed without the busy-machine rule | median p95 change | rows that regressed |',
    '|---:|---:|---:|---:|---|---:|---:|---:|---:|---|',
    ...rows.map((r) => {
      const [lo, hi] = wilson(r.caught, r.n);
      const label = r.arm.injectedMs === 0 ? 'none (identical)' : `${r.arm.injectedMs} ms`;
      return `| ${label} | ${pct(r.arm.injectedMs / o.baseP95)} | ${r.n}${r.errors ? ` (+${r.errors} errors)` : ''} | ${r.caught}/${r.n} (${pct(r.n ? r.caught / r.n : 0)}) | ${pct(lo)}-${pct(hi)} | ${r.p95Flagged}/${r.n} | ${r.excused}/${r.n} | ${r.withoutBusyRule}/${r.n} | ${pct(r.p95Change, 1)} | ${r.rows.join('; ') || '-'} |`;
    }),
  ].join('\n');
  const markdown = `\`npm run bench -- gate\` (harness/bench/gate-bench.ts) spawns \`harness\` as CI would: local runtime, builtin engine, scenario \`steady\` (constant arrival rate 50/s) for ${o.seconds} s per run, against a gateway with a ${o.serviceMs} ms base service time (\`TARGET_INJECT_DELAY_MS\`, the stand-in for a real API's database call; docs/gates.md says why). ${o.baselineRuns} baseline runs are saved under one name (p95 ${o.base.map((b) => b.p95.toFixed(1)).join(', ')} ms: between-run spread ${pct(cv(o.base.map((b) => b.p95)), 1)}; p50 spread ${pct(cv(o.base.map((b) => b.p50)), 1)}), then ${o.trials} rounds interleave identical runs and runs with a delay added to every request, sized as a share of the baseline's median p95 (${o.baseP95.toFixed(1)} ms), each gated with \`--baseline\` at the default tolerances${o.rolling ? `; the baseline is **rolling** (\`BENCH_GATE_ROLLING=1\`): every identical run is saved into it after its gate with \`baseline save --keep ${o.baselineRuns}\`, as a CI that saves each main run keeps it, while injected runs never enter it` : ' against that fixed baseline'}. A catch is exit 112; on an identical run, exit 112 is a false alarm. ${o.minutes.toFixed(0)} minutes in all.

**Load**: 1-minute load average on the ${cores} cores during the runs: min ${lMin.toFixed(1)}, median ${lMed.toFixed(1)}, max ${lMax.toFixed(1)}${process.env.BENCH_GATE_LOAD_NOTE ? ` (${process.env.BENCH_GATE_LOAD_NOTE})` : ''}. A load above the core count means other work competed with the runs; on a dedicated CI runner the noise is smaller.

${table}

The intervals are Wilson 95% intervals of the catch (or false-alarm) rate: ${o.trials} trials cannot prove "≥ 95%" (${o.trials}/${o.trials} gives a lower bound of ${pct(wilson(o.trials, o.trials)[0])}, 0/${o.trials} an upper bound of ${pct(wilson(0, o.trials)[1])}); more trials (\`BENCH_GATE_TRIALS\`) tighten them.

| goal | result | met |
|---|---|---|
| 15% p95 regression caught in ≥ 95% of trials | ${goal.caught}/${goal.n} (${pct(catchRate)}; ${goal.arm.injectedMs} ms = ${pct(goal.arm.injectedMs / o.baseP95)} of p95) | ${catchRate >= 0.95 ? 'yes' : 'no'} |
| ≤ 5% false alarms on identical runs | ${identical.caught}/${identical.n} (${pct(falseAlarmRate)}) | ${falseAlarmRate <= 0.05 ? 'yes' : 'no'} |
| runs of at most 60 s | ${o.seconds} s | ${o.seconds <= 60 ? 'yes' : 'no'} |

Smallest regression caught in ≥ 95% of its trials: ${smallest ? `**${smallest.arm.injectedMs} ms = ${pct(smallest.arm.injectedMs / o.baseP95)} of p95** (${smallest.caught}/${smallest.n})` : '**none of the sizes tried**'}.
`;
  return { markdown, goalsMet };
}
