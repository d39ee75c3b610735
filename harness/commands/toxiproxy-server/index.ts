import type { CommandContext } from '../context';
import { InvalidConfigError } from '../../errors';
import { startToxiproxyServer } from '../../../chaos/toxiproxy-server';

export interface ToxiproxyServerCommandOptions {
  host?: string;
  port?: number;
  seed?: number;
  proxyMetrics?: boolean;
  runtimeMetrics?: boolean;
}

/**
 * `harness toxiproxy-server [--host 127.0.0.1] [--port 8474] [--seed N] [--proxy-metrics]
 * [--runtime-metrics]`: the built-in
 * Toxiproxy-compatible server, standalone (like `toxiproxy-server`), until Ctrl-C.
 */
export async function toxiproxyServer(opts: ToxiproxyServerCommandOptions, ctx: CommandContext): Promise<number> {
  const problems: string[] = [];
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)) {
    problems.push(`port: must be an integer 0..65535, got ${opts.port}`);
  }
  if (opts.seed !== undefined && !Number.isInteger(opts.seed)) problems.push(`seed: must be an integer, got ${opts.seed}`);
  if (problems.length) throw new InvalidConfigError('invalid toxiproxy-server options', problems);
  const server = await startToxiproxyServer({
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 8474,
    seed: opts.seed,
    proxyMetrics: opts.proxyMetrics,
    runtimeMetrics: opts.runtimeMetrics,
    // From the environment, not a flag: a flag would show the token in `ps`.
    apiToken: ctx.env.HARNESS_TOXIPROXY_TOKEN || undefined,
  });
  ctx.stdout.write(`toxiproxy-server (harness built-in, Toxiproxy 2.x API) listening on ${server.url} seed=${server.seed}${ctx.env.HARNESS_TOXIPROXY_TOKEN ? ' (API token required)' : ''}\n`);
  try {
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await server.stop();
  }
  ctx.stdout.write('toxiproxy-server stopped\n');
  return 0;
}
