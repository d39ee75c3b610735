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
  // An error escaping an event handler must still tear the run down: report it, abort like a
  // signal (the running command's finally blocks dispose its stack) and make the exit code 111.
  const onUncaught = (e: unknown) => {
    ctx.stderr.write(`\n${formatError(e)}\n`);
    process.exitCode = ExitCode.Internal;
    if (!controller.signal.aborted) controller.abort(e);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
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
    .command(
      'run <scenario>',
      'Bring the target up, run a scenario, gate on its thresholds, tear down; exit code as k6',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, describe: 'catalog name (harness list) or path to a .ts/.js script' })
          .option('runtime', { choices: ['auto', 'docker', 'local', 'external'] as const, describe: 'where the target runs (default auto: docker if available, else local)' })
          .option('target-url', { type: 'string', describe: 'with --runtime external: the gateway URL' })
          .option('engine', { choices: ['auto', 'k6', 'builtin'] as const, describe: 'load engine (default auto: k6 if installed, else builtin)' })
          .option('vus', { type: 'number', describe: 'peak VUs override' })
          .option('duration', { type: 'string', describe: 'total duration override (30s, 1m30s)' })
          .option('env', { type: 'string', array: true, describe: 'K=V for the script (__ENV), repeatable' })
          .option('tag', { type: 'string', array: true, describe: 'K=V tag on every sample, repeatable' })
          .option('out', { type: 'string', array: true, describe: 'json | influxdb[=URL] | none, repeatable' })
          .option('keep-up', { type: 'boolean', describe: 'leave the stack running afterwards (stop with harness down)' })
          .option('seed', { type: 'number', describe: 'seed for payloads and faults (printed and stored)' })
          .option('toxiproxy', { choices: ['auto', 'binary', 'builtin', 'none'] as const, describe: 'local runtime: which Toxiproxy server' })
          .option('config', { type: 'string', describe: 'config file (default harness.config.ts)' })
          .example('$0 run smoke --runtime local --duration 10s', 'a short smoke run on local processes')
          .example('$0 run ./my-test.ts --runtime external --target-url http://127.0.0.1:8080', 'against a running gateway'),
      async (a) => {
        const { run } = await import('./commands/run/index');
        code = await run(
          {
            scenario: a.scenario,
            runtime: a.runtime,
            targetUrl: a['target-url'],
            engine: a.engine,
            vus: a.vus,
            duration: a.duration,
            env: a.env,
            tag: a.tag,
            out: a.out,
            keepUp: a['keep-up'],
            seed: a.seed,
            toxiproxy: a.toxiproxy,
            config: a.config,
          },
          ctx,
        );
      },
    )
    .command(
      'list',
      'Scenarios and chaos experiments with their descriptions',
      (y) => y.option('json', { type: 'boolean' }),
      async (a) => {
        const { list } = await import('./commands/list/index');
        code = await list({ json: a.json }, ctx);
      },
    )
    .command(
      'up',
      'Bring the stack up and leave it running for exploration (stop with harness down)',
      (y) =>
        y
          .option('runtime', { choices: ['auto', 'docker', 'local', 'external'] as const })
          .option('target-url', { type: 'string' })
          .option('seed', { type: 'number' })
          .option('toxiproxy', { choices: ['auto', 'binary', 'builtin', 'none'] as const })
          .option('config', { type: 'string' }),
      async (a) => {
        const { up } = await import('./commands/up/index');
        code = await up({ runtime: a.runtime, targetUrl: a['target-url'], seed: a.seed, toxiproxy: a.toxiproxy, config: a.config }, ctx);
      },
    )
    .command(
      'down',
      'Stop what harness up (or run --keep-up) left running',
      (y) => y.option('run-id', { type: 'string' }).option('config', { type: 'string' }),
      async (a) => {
        const { down } = await import('./commands/down/index');
        code = await down({ runId: a['run-id'], config: a.config }, ctx);
      },
    )
    .command(
      'push <run-dir>',
      'Write the points a run spooled while InfluxDB was unreachable (reports/runs/<id>/influxdb-spool)',
      (y) => y.positional('run-dir', { type: 'string', demandOption: true }).option('url', { type: 'string', describe: 'InfluxDB URL[/bucket] (default: INFLUX_URL / config)' }).option('config', { type: 'string' }),
      async (a) => {
        const { push } = await import('./commands/push/index');
        code = await push({ runDir: a['run-dir'], url: a.url, config: a.config }, ctx);
      },
    )
    .command(
      'doctor',
      'What is available (Docker, k6, Toxiproxy, redis-server, InfluxDB, Grafana, wrk) and what to do about what is missing',
      (y) => y.option('json', { type: 'boolean' }),
      async (a) => {
        const { doctor } = await import('./commands/doctor/index');
        code = await doctor({ json: a.json }, ctx);
      },
    )
    .command(
      'reap',
      'Remove leftovers of crashed runs (processes, Toxiproxy proxies, labelled containers/networks)',
      (y) => y.option('run-id', { type: 'string' }).option('toxiproxy-url', { type: 'string' }).option('config', { type: 'string' }),
      async (a) => {
        const { reap } = await import('./commands/reap/index');
        code = await reap({ runId: a['run-id'], toxiproxyUrl: a['toxiproxy-url'], config: a.config }, ctx);
      },
    )
    .command(
      'chaos [experiment]',
      'Run a chaos experiment under load (faults, hypotheses, rollback), or the whole game-day with --all',
      (y) =>
        y
          .positional('experiment', { type: 'string', describe: 'experiment name (harness list)' })
          .option('all', { type: 'boolean', describe: 'the game-day: every experiment in order' })
          .option('runtime', { choices: ['auto', 'docker', 'local'] as const, describe: 'where the target runs (default auto)' })
          .option('engine', { choices: ['auto', 'k6', 'builtin'] as const, describe: 'engine for the background load' })
          .option('vus', { type: 'number', describe: 'peak VUs of the background load' })
          .option('env', { type: 'string', array: true, describe: 'K=V for the scenario (__ENV), repeatable' })
          .option('tag', { type: 'string', array: true, describe: 'K=V tag on every sample, repeatable' })
          .option('seed', { type: 'number', describe: 'seed for the fault schedule, jitter and toxicity (printed and stored)' })
          .option('duration', { type: 'string', describe: "scales the experiment's whole timeline (the recovery phase keeps a floor)" })
          .option('toxiproxy', { choices: ['auto', 'binary', 'builtin', 'none'] as const, describe: 'local runtime: which Toxiproxy server' })
          .option('out', { type: 'string', array: true, describe: 'json | influxdb[=URL], repeatable (phases and faults tagged, events as annotations)' })
          .option('config', { type: 'string', describe: 'config file (default harness.config.ts)' })
          .example('$0 chaos redis-latency --duration 20s --seed 7', 'one experiment, short')
          .example('$0 chaos --all', 'the game-day'),
      async (a) => {
        const { chaos } = await import('./commands/chaos/index');
        code = await chaos(
          {
            experiment: a.experiment,
            all: a.all,
            runtime: a.runtime,
            engine: a.engine,
            vus: a.vus,
            env: a.env,
            tag: a.tag,
            seed: a.seed,
            duration: a.duration,
            toxiproxy: a.toxiproxy,
            out: a.out,
            config: a.config,
          },
          ctx,
        );
      },
    )
    .command(
      'toxiproxy-server',
      'The built-in Toxiproxy-compatible server, standalone (like toxiproxy-server)',
      (y) =>
        y
          .option('host', { type: 'string', default: '127.0.0.1' })
          .option('port', { type: 'number', default: 8474 })
          .option('seed', { type: 'number' }),
      async (a) => {
        const { toxiproxyServer } = await import('./commands/toxiproxy-server/index');
        code = await toxiproxyServer({ host: a.host, port: a.port, seed: a.seed }, ctx);
      },
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
