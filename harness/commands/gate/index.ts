import { relative } from 'node:path';
import { loadConfig } from '../../config';
import { ExitCode } from '../../errors';
import { baselineDir, GATE_FILES, gateFailed, runGate, unmatchedMessage, unmatchedThresholds, type UnmatchedThreshold } from '../../gate';
import type { CommandContext } from '../context';
import { resolveRunDir } from '../report/index';

export interface GateOptions {
  /** A run directory, a run id, or `latest`. */
  run: string;
  /** More runs of the same configuration, pooled with `run` into one candidate. */
  more?: string[];
  baseline: string;
  config?: string;
}

/**
 * `harness gate <run> --baseline main`: compares a finished run with a saved baseline
 * (harness/gate, docs/gates.md), prints the table on stderr, writes gate.md, gate.junit.xml,
 * gate.json and compare.html into the run directory. More runs (`harness gate r1 r2 r3`) are
 * pooled with the first into one candidate (repeated runs: n times the windows); the outputs go
 * into the first's directory. Exit 0 when nothing regressed, 112 when something did (or a
 * baseline series is missing from the run), 99 when nothing regressed but one of the run's
 * thresholds matched no samples (no silent passes), 104 when the run or the baseline is not found
 * or a gate entry of the config selects nothing in the baseline.
 */
export async function gate(opts: GateOptions, ctx: CommandContext): Promise<number> {
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, configFile: opts.config });
  const dir = baselineDir(ctx.cwd, config.reportsDir, opts.baseline);
  const runDir = await resolveRunDir(opts, ctx);
  const moreRunDirs: string[] = [];
  for (const run of opts.more ?? []) moreRunDirs.push(await resolveRunDir({ run, config: opts.config }, ctx));
  const result = await runGate({ runDir, moreRunDirs, baselineDir: dir, baselineName: opts.baseline, tolerances: config.gate, write: (t) => ctx.stderr.write(t) });
  // the same key unmatched in several pooled runs is named once
  const byKey = new Map<string, UnmatchedThreshold>();
  for (const d of [runDir, ...moreRunDirs]) for (const u of await unmatchedThresholds(d, config.gate.optionalThresholds)) byKey.set(u.key, u);
  const unmatched = [...byKey.values()];
  if (unmatched.length) ctx.stderr.write(`${unmatchedMessage(unmatched)}\n`);
  const code = gateFailed(result) ? ExitCode.PerformanceRegression : unmatched.length ? ExitCode.ThresholdsFailed : ExitCode.Ok;
  const verdict = code === ExitCode.PerformanceRegression ? 'FAILED: performance regression against the baseline' : code === ExitCode.ThresholdsFailed ? 'FAILED: a threshold matched no samples' : 'PASSED: no regression against the baseline';
  const shown = relative(ctx.cwd, runDir) || runDir;
  ctx.stdout.write(`${verdict}  (exit ${code})  ${shown}/${GATE_FILES.markdown}  ${shown}/${GATE_FILES.html}\n`);
  return code;
}
