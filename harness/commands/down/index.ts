import { loadConfig } from '../../config';
import { ExitCode, HarnessError } from '../../errors';
import { reap, runsRoot, upStateFile, readUpStates, writeUpStates } from '../../run';
import type { CommandContext } from '../context';

export interface DownOptions {
  /** Only this stack (default: every stack `harness up` left running). */
  runId?: string;
  config?: string;
}

/** `harness down`: stops what `harness up` (or `run --keep-up`) left running. */
export async function down(opts: DownOptions, ctx: CommandContext): Promise<number> {
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, configFile: opts.config });
  const file = upStateFile(ctx.cwd, config.reportsDir);
  const states = await readUpStates(file);
  const targets = opts.runId ? states.filter((s) => s.runId === opts.runId) : states;
  if (opts.runId && !targets.length) {
    throw new HarnessError(`no stack ${opts.runId} is up`, { hint: `up: ${states.map((s) => s.runId).join(', ') || '(none)'}; \`harness reap --run-id ID\` removes leftovers of any run` });
  }
  if (!targets.length) {
    ctx.stdout.write('nothing is up\n');
    return ExitCode.Ok;
  }
  for (const s of targets) {
    const r = await reap({ root: runsRoot(ctx.cwd, config.reportsDir), runId: s.runId, toxiproxyToken: config.toxiproxy.token, env: ctx.env, log: (l) => ctx.stderr.write(`  ${l}\n`) });
    ctx.stdout.write(`stack ${s.runId} is down (${r.processes} processes, ${r.containers} containers stopped)\n`);
  }
  await writeUpStates(file, states.filter((s) => !targets.includes(s)));
  return ExitCode.Ok;
}
