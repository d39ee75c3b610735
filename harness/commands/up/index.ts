import { relative } from 'node:path';
import { loadConfig, type ConfigFlags } from '../../config';
import { ExitCode } from '../../errors';
import type { RuntimeRegistry } from '../../runtimes';
import { RunSession } from '../../run';
import type { CommandContext } from '../context';

export interface UpOptions extends Pick<ConfigFlags, 'runtime' | 'targetUrl' | 'seed' | 'toxiproxy'> {
  config?: string;
  runId?: string;
  runtimes?: RuntimeRegistry;
}

/**
 * `harness up`: a run session (no watchdog) whose middle step starts the stack and keeps it:
 * recorded in `reports/.harness-up.json` so `harness down` can stop it. Prints the URLs.
 */
export async function up(opts: UpOptions, ctx: CommandContext): Promise<number> {
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, flags: opts, configFile: opts.config });
  const finished = await RunSession.run({ ctx, config, label: 'up', info: { kind: 'up' }, runId: opts.runId, watchdog: false, runtimes: opts.runtimes }, async (session) => {
    const { stack } = await session.startStack({ keep: true });
    ctx.stdout.write(
      [
        `stack ${session.runId} is up (${stack.runtime})`,
        `  target (through toxiproxy): ${stack.targetUrl}`,
        `  gateway (direct):           ${stack.gatewayUrl}`,
        ...(stack.redisUrl ? [`  redis:                      ${stack.redisUrl}`] : []),
        ...(stack.toxiproxy ? [`  toxiproxy API:              ${stack.toxiproxy.apiUrl} (proxies ${stack.toxiproxy.proxies.gateway}, ${stack.toxiproxy.proxies.redis})`] : []),
        `  logs:                       ${relative(ctx.cwd, session.dir.logs)}`,
        `run against it: harness run <scenario> --runtime external --target-url ${stack.targetUrl}`,
        'stop it:        harness down',
        '',
      ].join('\n'),
    );
    return ExitCode.Ok;
  });
  return finished.code;
}
