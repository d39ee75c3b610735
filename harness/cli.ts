/**
 * The `harness` CLI: declares commands, options and examples only. Each command lives in
 * `commands/<name>/index.ts` as a plain async function `(opts, ctx) => exitCode`, imported
 * lazily so `harness list` does not load the engine. `main` is the single exit point.
 */
import yargs from 'yargs';
import { ExitCode, exitCodeOf, formatError } from './errors';
import { defaultContext, type CommandContext } from './commands/context';

export async function main(argv: string[], ctx?: CommandContext): Promise<number> {
  const controller = new AbortController();
  const context = ctx ?? defaultContext(controller.signal);
  const detach = ctx ? () => {} : installSignalHandlers(controller, context);
  try {
    return await dispatch(argv, context);
  } catch (e) {
    context.stderr.write(`${formatError(e)}\n`);
    return exitCodeOf(e);
  } finally {
    detach();
  }
}

/** First SIGINT/SIGTERM aborts gracefully; a second one forces the process out. */
function installSignalHandlers(controller: AbortController, ctx: CommandContext): () => void {
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count += 1;
    if (count === 1) {
      ctx.stderr.write(`\n${sig} received: stopping gracefully and tearing down (press Ctrl-C again to force)\n`);
      controller.abort(new Error(sig));
    } else {
      ctx.stderr.write(`\n${sig} received again: forcing exit\n`);
      process.exit(ExitCode.ExternalAbort);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

async function dispatch(argv: string[], ctx: CommandContext): Promise<number> {
  // `harness k6 ...` takes k6's own flags verbatim, so it bypasses yargs.
  if (argv[0] === 'k6') {
    const { k6 } = await import('./commands/k6/index');
    return k6(argv.slice(1), ctx);
  }
  let code: number = ExitCode.Ok;
  const parser = yargs(argv)
    .scriptName('harness')
    .usage('$0 <command> [options]')
    .command(
      'setup',
      'Install what the harness needs on this machine (redis-server, docker) where possible',
      (y) => y.option('for', { choices: ['run', 'test'] as const, default: 'run' as const }),
      async (a) => {
        const { setup } = await import('./commands/setup/index');
        code = await setup({ for: a.for }, ctx);
      },
    )
    .command(
      'k6',
      'k6-compatible engine: `harness k6 run [k6 flags] script.(js|ts)`',
      (y) => y,
      () => {},
    )
    .demandCommand(1, 'name a command; `harness --help` lists them')
    .strict()
    .help()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new (class extends Error {})(msg);
    });
  await parser.parseAsync();
  return code;
}
