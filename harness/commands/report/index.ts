import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadConfig } from '../../config';
import { ExitCode, InvalidConfigError } from '../../errors';
import { REPORT_FILES, RUN_FILES, samplesFileOf, writeReports } from '../../report';
import { isRunId, listRunIds, runsRoot } from '../../run';
import type { CommandContext } from '../context';

export interface ReportOptions {
  /** A run directory, a run id (under `<reportsDir>/runs`), or `latest`. */
  run: string;
  config?: string;
}

/**
 * `harness report <run>`: (re)writes report.html, junit.xml and summary.md of a run from what
 * its directory holds (the stored sample stream, summary.json, run.json, the chaos journal), so
 * run directories written before reports existed get them too. Exit 0 when written; 104 when
 * the run is not found or holds neither samples nor a summary.
 */
export async function report(opts: ReportOptions, ctx: CommandContext): Promise<number> {
  const dir = await resolveRunDir(opts, ctx);
  if (!samplesFileOf(dir) && !existsSync(join(dir, RUN_FILES.summary))) {
    throw new InvalidConfigError(`${shown(dir, ctx)} has no ${RUN_FILES.samples} and no ${RUN_FILES.summary}: nothing to report`, [], {
      hint: 'runs with --out none keep no samples; `harness up` runs none',
    });
  }
  const { data } = await writeReports(dir);
  const failed = data.thresholds.filter((t) => !t.ok).length;
  ctx.stderr.write(`  ${data.totals.samples} samples, ${data.thresholds.length} thresholds (${failed} failed), ${data.checks.length} checks, ${data.endpoints.length} endpoints\n`);
  for (const f of [REPORT_FILES.html, REPORT_FILES.junit, REPORT_FILES.markdown]) ctx.stdout.write(`${shown(join(dir, f), ctx)}\n`);
  return ExitCode.Ok;
}

/** A run directory, a run id under `<reportsDir>/runs`, or `latest` (also `harness baseline save`, `harness gate`). */
export async function resolveRunDir(opts: { run: string; config?: string }, ctx: CommandContext): Promise<string> {
  const direct = resolve(ctx.cwd, opts.run);
  if (isDir(direct)) return direct;
  if (opts.run === 'latest' || isRunId(opts.run)) {
    const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, configFile: opts.config });
    const root = runsRoot(ctx.cwd, config.reportsDir);
    const id = opts.run === 'latest' ? (await listRunIds(root)).at(-1) : opts.run;
    if (id && isDir(join(root, id))) return join(root, id);
  }
  throw new InvalidConfigError(`no run directory ${JSON.stringify(opts.run)}`, [], { hint: 'pass a run directory (reports/runs/<run-id>), a run id, or `latest`' });
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function shown(p: string, ctx: CommandContext): string {
  return relative(ctx.cwd, p) || p;
}
