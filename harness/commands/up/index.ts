import { randomInt } from 'node:crypto';
import { relative } from 'node:path';
import { loadConfig, redactConfig, type ConfigFlags } from '../../config';
import { ExitCode } from '../../errors';
import type { RuntimeRegistry } from '../../runtimes';
import { RunScope, startStack, upStateFile, readUpStates, writeUpStates } from '../../run';
import type { CommandContext } from '../context';

export interface UpOptions extends Pick<ConfigFlags, 'runtime' | 'targetUrl' | 'seed' | 'toxiproxy'> {
  config?: string;
  runId?: string;
  runtimes?: RuntimeRegistry;
}

/**
 * `harness up`: starts the stack and leaves it running (no watchdog); records it in
 * `reports/.harness-up.json` so `harness down` can stop it. Prints the URLs.
 */
export async function up(opts: UpOptions, ctx: CommandContext): Promise<number> {
  const say = (l: string) => ctx.stderr.write(`${l}\n`);
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, flags: opts, configFile: opts.config });
  const seed = config.run.seed ?? randomInt(1, 2 ** 31 - 1);
  const scope = await RunScope.create({ cwd: ctx.cwd, reportsDir: config.reportsDir, label: 'up', runId: opts.runId, signal: ctx.signal, log: say, watchdog: false });
  await scope.dir.writeJson(scope.dir.configJson, redactConfig(config));
  await scope.dir.writeSeed(seed);
  try {
    const stack = await startStack({ config, scope, cwd: ctx.cwd, env: ctx.env, log: (l) => say(`  ${l}`), seed, registry: opts.runtimes, teardown: false });
    const file = upStateFile(ctx.cwd, config.reportsDir);
    const states = await readUpStates(file);
    states.push({
      runId: scope.runId,
      runDir: scope.dir.path,
      runtime: stack.runtime,
      targetUrl: stack.targetUrl,
      gatewayUrl: stack.gatewayUrl,
      redisUrl: stack.redisUrl,
      toxiproxy: stack.toxiproxy,
      startedAt: new Date().toISOString(),
    });
    await writeUpStates(file, states);
    ctx.stdout.write(
      [
        `stack ${scope.runId} is up (${stack.runtime})`,
        `  target (through toxiproxy): ${stack.targetUrl}`,
        `  gateway (direct):           ${stack.gatewayUrl}`,
        ...(stack.redisUrl ? [`  redis:                      ${stack.redisUrl}`] : []),
        ...(stack.toxiproxy ? [`  toxiproxy API:              ${stack.toxiproxy.apiUrl} (proxies ${stack.toxiproxy.proxies.gateway}, ${stack.toxiproxy.proxies.redis})`] : []),
        `  logs:                       ${relative(ctx.cwd, scope.dir.logs)}`,
        `run against it: harness run <scenario> --runtime external --target-url ${stack.targetUrl}`,
        'stop it:        harness down',
        '',
      ].join('\n'),
    );
    return ExitCode.Ok;
  } catch (e) {
    await scope.close();
    throw e;
  }
}
