import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { loadConfig } from '../../config';
import { ExitCode, InvalidConfigError } from '../../errors';
import { baselineDir, buildRunProfile, loadBaseline, saveBaselineRun, trimBaseline } from '../../gate';
import type { CommandContext } from '../context';
import { resolveRunDir } from '../report/index';

export interface BaselineSaveOptions {
  /** A run directory, a run id, or `latest`. */
  run: string;
  name: string;
  /** Keep only the newest N runs of the baseline after saving (a rolling baseline). */
  keep?: number;
  config?: string;
}

/**
 * `harness baseline save <run> --name main`: reduces the run to what a gate compares (per
 * metric and tag set: HDR histogram, per-second windows, counts, environment) and stores it as
 * `reports/baselines/<name>/<run-id>.json`, small enough to commit. Saving several runs under one
 * name describes the noise the gate allows for. Prints the file on stdout.
 */
export async function baselineSave(opts: BaselineSaveOptions, ctx: CommandContext): Promise<number> {
  if (opts.keep !== undefined && !(Number.isInteger(opts.keep) && opts.keep >= 1)) {
    throw new InvalidConfigError(`--keep must be a whole number of runs, at least 1 (got ${JSON.stringify(opts.keep)})`, [], { hint: 'e.g. --keep 10: the newest 10 runs make the baseline' });
  }
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, configFile: opts.config });
  const dir = baselineDir(ctx.cwd, config.reportsDir, opts.name);
  const runDir = await resolveRunDir(opts, ctx);
  const profile = await buildRunProfile(runDir);
  const file = await saveBaselineRun(dir, profile);
  const dropped = opts.keep !== undefined ? await trimBaseline(dir, opts.keep) : [];
  const runs = await loadBaseline(dir, opts.name);
  ctx.stderr.write(`  ${profile.series.length} series over ${profile.seconds} s, ${(statSync(file).size / 1024).toFixed(1)} KiB; baseline "${opts.name}" now holds ${runs.length} run(s)${dropped.length ? ` (--keep ${opts.keep}: dropped the oldest ${dropped.length})` : ''}\n`);
  ctx.stdout.write(`${relative(ctx.cwd, file) || file}\n`);
  return ExitCode.Ok;
}
