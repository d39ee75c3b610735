import { loadConfig } from '../../config';
import { ExitCode } from '../../errors';
import { reap as reapRuns, runsRoot, upStateFile, readUpStates } from '../../run';
import type { CommandContext } from '../context';

export interface ReapOptions {
  runId?: string;
  /** Shared Toxiproxy API to sweep for proxies of dead runs (default http://127.0.0.1:<ports.toxiproxyApi>). */
  toxiproxyUrl?: string;
  config?: string;
}

/**
 * `harness reap [--run-id ID]`: removes what crashed runs left: processes in their pids.json,
 * Toxiproxy proxies named `<run-id>-*`, Docker containers and networks labelled
 * `harness.run-id`. Runs whose harness is alive, and stacks held by `harness up`, are left alone
 * unless named.
 */
export async function reap(opts: ReapOptions, ctx: CommandContext): Promise<number> {
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, configFile: opts.config });
  const keep = (await readUpStates(upStateFile(ctx.cwd, config.reportsDir))).map((s) => s.runId);
  const r = await reapRuns({
    root: runsRoot(ctx.cwd, config.reportsDir),
    runId: opts.runId,
    keep,
    toxiproxyUrls: [opts.toxiproxyUrl ?? `http://127.0.0.1:${config.ports.toxiproxyApi}`],
    toxiproxyToken: config.toxiproxy.token,
    env: ctx.env,
    log: (l) => ctx.stderr.write(`  ${l}\n`),
  });
  for (const s of r.skipped) ctx.stderr.write(`  skipped ${s.runId}: ${s.reason}\n`);
  ctx.stdout.write(
    `reaped ${r.runs.length} run(s): ${r.processes} process(es), ${r.proxies} proxy(ies), ${r.containers} container(s), ${r.networks} network(s)\n`,
  );
  return ExitCode.Ok;
}
