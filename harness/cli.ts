/**
 * The `harness` CLI: declares commands, options and examples only. Each command lives in
 * `commands/<name>/index.ts` as a plain async function `(opts, ctx) => exitCode`, imported
 * lazily so `harness list` does not load the engine. `main` is the single exit point.
 */
import yargs from 'yargs';
import { ExitCode, UsageError, exitCodeOf, formatError } from './errors';
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
  // `harness` alone is a request for help, not a mistake.
  if (argv.length === 0) argv = ['--help'];
  let code: number = ExitCode.Ok;
  const parser = yargs()
    .scriptName('harness')
    .usage('$0 <command> [options]')
    .command(
      'setup',
      'Install what the harness needs (redis-server; --for test also wrk, Docker and its base image) when root, else print the commands',
      (y) => y.option('for', { requiresArg: true, choices: ['run', 'test'] as const, default: 'run' as const }),
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
          .option('runtime', { requiresArg: true, choices: ['auto', 'docker', 'local', 'external'] as const, describe: 'where the target runs (default auto: docker if available, else local)' })
          .option('target-url', { requiresArg: true, type: 'string', describe: 'with --runtime external: the gateway URL' })
          .option('engine', { requiresArg: true, choices: ['auto', 'k6', 'builtin'] as const, describe: 'load engine (default auto: k6 if installed, else builtin)' })
          .option('vus', { requiresArg: true, type: 'number', describe: 'peak VUs override' })
          .option('duration', { requiresArg: true, type: 'string', describe: 'total duration override (30s, 1m30s)' })
          .option('env', { type: 'string', array: true, describe: 'K=V for the script (__ENV), repeatable' })
          .option('tag', { type: 'string', array: true, describe: 'K=V tag on every sample, repeatable' })
          .option('out', { type: 'string', array: true, describe: 'json | influxdb[=URL] | none, repeatable' })
          .option('keep-up', { type: 'boolean', describe: 'leave the stack running afterwards (stop with harness down)' })
          .option('runners', { requiresArg: true, type: 'string', describe: 'engine processes on segments of the test, merged into one run: N or auto (every core for builtin; docs/scaling.md)' })
          .option('dashboard', { type: 'boolean', describe: 'serve the report live on http://127.0.0.1:5665 during the run (or HARNESS_DASHBOARD=true)' })
          .option('seed', { requiresArg: true, type: 'number', describe: 'seed for payloads and faults (printed and stored)' })
          .option('toxiproxy', { requiresArg: true, choices: ['auto', 'binary', 'builtin', 'none'] as const, describe: 'local runtime: which Toxiproxy server' })
          .option('config', { requiresArg: true, type: 'string', describe: 'config file (default harness.config.ts)' })
          .option('baseline', { requiresArg: true, type: 'string', describe: 'gate the run against reports/baselines/<name> (exit 112 on a regression; docs/gates.md)' })
          .option('summary-mode', { requiresArg: true, choices: ['compact', 'full', 'disabled', 'legacy'] as const, describe: "the engine's end-of-test summary: k6 v1/v2's compact (default), full or disabled; legacy: k6 v0.48's (built-in engine, k6 v1.0-v1.2)" })
          .option('secret-source', { type: 'string', array: true, requiresArg: true, describe: 'k6/secrets source for the engine (file=PATH, env[=prefix=P]; real k6 v1.0+), repeatable' })
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
            runners: a.runners,
            seed: a.seed,
            toxiproxy: a.toxiproxy,
            config: a.config,
            baseline: a.baseline,
            summaryMode: a['summary-mode'],
            secretSource: a['secret-source'],
          },
          withDashboard(ctx, a.dashboard),
        );
      },
    )
    .command(
      'new <name>',
      'Write a typed scenario that compiles and runs at once (scenarios/<name>.ts, or a path)',
      (y) =>
        y
          .positional('name', { type: 'string', demandOption: true, describe: 'scenario name (scenarios/<name>.ts) or a path to a .ts file' })
          .option('template', { requiresArg: true, choices: ['protocol', 'arrival-rate', 'chaos'] as const, default: 'protocol' as const, describe: 'what the scenario does' })
          .example('$0 new checkout --template arrival-rate', 'scenarios/checkout.ts at a constant arrival rate'),
      async (a) => {
        const { newScenario } = await import('./commands/new/index');
        code = await newScenario({ name: a.name, template: a.template }, ctx);
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
          .option('runtime', { requiresArg: true, choices: ['auto', 'docker', 'local', 'external'] as const })
          .option('target-url', { requiresArg: true, type: 'string' })
          .option('seed', { requiresArg: true, type: 'number' })
          .option('toxiproxy', { requiresArg: true, choices: ['auto', 'binary', 'builtin', 'none'] as const })
          .option('observability', { type: 'boolean', describe: "also InfluxDB 2.7 and Grafana from compose.yml's observability profile (docs/influxdb.md)" })
          .option('config', { requiresArg: true, type: 'string' })
          .example('$0 up --observability', 'the stack plus InfluxDB and Grafana; then: harness run high-concurrency --out influxdb'),
      async (a) => {
        const { up } = await import('./commands/up/index');
        code = await up({ runtime: a.runtime, targetUrl: a['target-url'], seed: a.seed, toxiproxy: a.toxiproxy, observability: a.observability, config: a.config }, ctx);
      },
    )
    .command(
      'down',
      'Stop what harness up (or run --keep-up) left running',
      (y) => y.option('run-id', { requiresArg: true, type: 'string' }).option('config', { requiresArg: true, type: 'string' }),
      async (a) => {
        const { down } = await import('./commands/down/index');
        code = await down({ runId: a['run-id'], config: a.config }, ctx);
      },
    )
    .command(
      'push <run-dir>',
      'Write the points a run spooled while InfluxDB was unreachable (reports/runs/<id>/influxdb-spool)',
      (y) => y.positional('run-dir', { type: 'string', demandOption: true }).option('url', { requiresArg: true, type: 'string', describe: 'InfluxDB URL[/bucket] (default: INFLUX_URL / config)' }).option('config', { requiresArg: true, type: 'string' }),
      async (a) => {
        const { push } = await import('./commands/push/index');
        code = await push({ runDir: a['run-dir'], url: a.url, config: a.config }, ctx);
      },
    )
    .command(
      'report <run>',
      'Write report.html, junit.xml and summary.md of a run from its directory (any run, also older ones)',
      (y) =>
        y
          .positional('run', { type: 'string', demandOption: true, describe: 'run directory, run id, or latest' })
          .option('config', { requiresArg: true, type: 'string' })
          .example('$0 report latest', 'the newest run under reports/runs'),
      async (a) => {
        const { report } = await import('./commands/report/index');
        code = await report({ run: a.run, config: a.config }, ctx);
      },
    )
    .command(
      'baseline save <run>',
      'Store what a regression gate compares (histograms, per-second windows, counts) of a run under reports/baselines/<name>',
      (y) =>
        y
          .positional('run', { type: 'string', demandOption: true, describe: 'run directory, run id, or latest' })
          .option('name', { requiresArg: true, type: 'string', demandOption: true, describe: 'baseline name (e.g. main); save several runs under one name to describe the noise' })
          .option('keep', { requiresArg: true, type: 'number', describe: 'then keep only the newest N runs of the baseline (a rolling baseline that follows the machine)' })
          .option('config', { requiresArg: true, type: 'string' })
          .example('$0 baseline save latest --name main', 'the newest run becomes (part of) baseline main')
          .example('$0 baseline save latest --name main --keep 10', "on main's CI: the baseline is the newest 10 runs"),
      async (a) => {
        const { baselineSave } = await import('./commands/baseline/index');
        code = await baselineSave({ run: a.run, name: a.name, keep: a.keep, config: a.config }, ctx);
      },
    )
    .command(
      'gate <run> [more..]',
      'Compare a run with a saved baseline (noise-aware); gate.md, gate.junit.xml, compare.html; exit 112 on a regression',
      (y) =>
        y
          .positional('run', { type: 'string', demandOption: true, describe: 'run directory, run id, or latest' })
          .positional('more', { type: 'string', array: true, describe: 'more runs of the same configuration, pooled with <run> into one candidate' })
          .option('baseline', { requiresArg: true, type: 'string', demandOption: true, describe: 'baseline name under reports/baselines' })
          .option('config', { requiresArg: true, type: 'string' })
          .example('$0 gate latest --baseline main', 'gate the newest run')
          .example('$0 gate <run-1> <run-2> <run-3> --baseline main', 'three runs of the change pooled into one candidate'),
      async (a) => {
        const { gate } = await import('./commands/gate/index');
        code = await gate({ run: a.run, more: a.more?.map(String), baseline: a.baseline, config: a.config }, ctx);
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
      (y) => y.option('run-id', { requiresArg: true, type: 'string' }).option('toxiproxy-url', { requiresArg: true, type: 'string' }).option('config', { requiresArg: true, type: 'string' }),
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
          .option('runtime', { requiresArg: true, choices: ['auto', 'docker', 'local'] as const, describe: 'where the target runs (default auto)' })
          .option('engine', { requiresArg: true, choices: ['auto', 'k6', 'builtin'] as const, describe: 'engine for the background load' })
          .option('vus', { requiresArg: true, type: 'number', describe: 'peak VUs of the background load' })
          .option('env', { type: 'string', array: true, describe: 'K=V for the scenario (__ENV), repeatable' })
          .option('tag', { type: 'string', array: true, describe: 'K=V tag on every sample, repeatable' })
          .option('seed', { requiresArg: true, type: 'number', describe: 'seed for the fault schedule, jitter and toxicity (printed and stored)' })
          .option('dashboard', { type: 'boolean', describe: 'serve the report live on http://127.0.0.1:5665 (or HARNESS_DASHBOARD=true)' })
          .option('duration', { requiresArg: true, type: 'string', describe: "scales the experiment's whole timeline (the recovery phase keeps a floor)" })
          .option('toxiproxy', { requiresArg: true, choices: ['auto', 'binary', 'builtin', 'none'] as const, describe: 'local runtime: which Toxiproxy server' })
          .option('out', { type: 'string', array: true, describe: 'json | influxdb[=URL], repeatable (phases and faults tagged, events as annotations)' })
          .option('config', { requiresArg: true, type: 'string', describe: 'config file (default harness.config.ts)' })
          .check((a) => Boolean(a.all || a.experiment) || 'missing argument [experiment] (or pass --all)')
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
          withDashboard(ctx, a.dashboard),
        );
      },
    )
    .command(
      'k8s <command>',
      'Kubernetes through k6-operator: `k8s render` a TestRun folder, `k8s merge` the runners into one run',
      (y) =>
        y
          .command(
            'render <scenario>',
            'Write a kustomize-ready folder: the compiled scenario (ConfigMap), a k6-operator TestRun, optionally the target stack',
            (c) =>
              c
                .positional('scenario', { type: 'string', demandOption: true, describe: 'catalog name or path to a .ts/.js script' })
                .option('parallelism', { requiresArg: true, type: 'number', default: 1, describe: 'runner Jobs; the operator gives each an execution segment' })
                .option('out', { requiresArg: true, type: 'string', describe: 'folder to write (default reports/k8s/<run-id>)' })
                .option('namespace', { requiresArg: true, type: 'string', describe: 'namespace for every object (kustomization)' })
                .option('k6-image', { requiresArg: true, type: 'string', describe: 'runner image (default grafana/k6 of the k6 version the harness matches)' })
                .option('with-target', { type: 'boolean', describe: 'also render the target stack (gateway, worker, Redis, Toxiproxy); the load goes through Toxiproxy' })
                .option('target-image', { requiresArg: true, type: 'string', describe: 'gateway/worker image the cluster can pull (with --with-target)' })
                .option('target-url', { requiresArg: true, type: 'string', describe: 'the target the runners load, when it is not rendered' })
                .option('influxdb', { requiresArg: true, type: 'string', describe: "runners write to this InfluxDB 1.x (http://host:8086/<database>, as the cluster reaches it) instead of their logs; merge with --from-influxdb" })
                .option('separate', { type: 'boolean', describe: 'one runner per node (required pod anti-affinity)' })
                .option('vus', { requiresArg: true, type: 'string', describe: 'peak VUs over all runners' })
                .option('duration', { requiresArg: true, type: 'string', describe: 'total duration (k6 syntax)' })
                .option('env', { type: 'string', array: true, describe: 'K=V for the scenario (__ENV), repeatable' })
                .option('tag', { type: 'string', array: true, describe: 'K=V tag on every sample, repeatable' })
                .option('config', { requiresArg: true, type: 'string' })
                .example('$0 k8s render high-concurrency --parallelism 4 --with-target --target-image registry.example/telemetryhub:1', 'a game-day in a cluster'),
            async (a) => {
              const { k8sRender } = await import('./commands/k8s/index');
              code = await k8sRender(
                {
                  scenario: a.scenario,
                  parallelism: a.parallelism,
                  out: a.out,
                  namespace: a.namespace,
                  k6Image: a['k6-image'],
                  withTarget: a['with-target'],
                  targetImage: a['target-image'],
                  targetUrl: a['target-url'],
                  influxdb: a.influxdb,
                  separate: a.separate,
                  vus: a.vus,
                  duration: a.duration,
                  env: a.env,
                  tag: a.tag,
                  config: a.config,
                },
                ctx,
              );
            },
          )
          .command(
            'merge [rendered] [files..]',
            "Merge the runners' outputs (kubectl logs, k6 JSON, or their points in InfluxDB) into one run: thresholds judged once over all samples, summary, report, gate",
            (c) =>
              c
                .positional('rendered', { type: 'string', describe: 'the folder `k8s render` wrote (optional with --from-influxdb --run-id)' })
                .positional('files', { type: 'string', array: true, describe: "each runner's output (not with --from-influxdb)" })
                .option('from-influxdb', { requiresArg: true, type: 'string', describe: 'read the run back from InfluxDB 1.x or VictoriaMetrics: URL[/bucket], as --out influxdb=' })
                .option('bucket', { requiresArg: true, type: 'string', describe: 'bucket (database on 1.x) with --from-influxdb (default: the URL path / INFLUX_BUCKET)' })
                .option('org', { requiresArg: true, type: 'string', describe: 'org with --from-influxdb (default INFLUX_ORG)' })
                .option('token', { requiresArg: true, type: 'string', describe: 'token with --from-influxdb (prefer INFLUX_TOKEN: a flag lands in shell history)' })
                .option('run-id', { requiresArg: true, type: 'string', describe: "the runners' run_id tag (default: the rendered folder's)" })
                .option('baseline', { requiresArg: true, type: 'string', describe: 'gate the merged run against reports/baselines/<name>' })
                .option('out', { type: 'string', array: true, describe: 'json | influxdb[=URL], repeatable' })
                .option('config', { requiresArg: true, type: 'string' })
                .example('$0 k8s merge reports/k8s/<run-id> runners/*.log', 'after collecting the runner pods\' logs')
                .example('$0 k8s merge --from-influxdb http://127.0.0.1:8086/k6 --run-id <run-id>', 'the runners wrote to InfluxDB (shape raw)'),
            async (a) => {
              const { k8sMerge } = await import('./commands/k8s/index');
              code = await k8sMerge(
                {
                  rendered: a.rendered,
                  files: (a.files as string[] | undefined) ?? [],
                  fromInfluxdb: a['from-influxdb'],
                  bucket: a.bucket,
                  org: a.org,
                  token: a.token,
                  runId: a['run-id'],
                  baseline: a.baseline,
                  out: a.out,
                  config: a.config,
                },
                ctx,
              );
            },
          )
          .demandCommand(1, 'name a k8s command: render or merge'),
      () => {},
    )
    .command(
      'toxiproxy-server',
      'The built-in Toxiproxy-compatible server, standalone (like toxiproxy-server)',
      (y) =>
        y
          .option('host', { requiresArg: true, type: 'string', default: '127.0.0.1' })
          .option('port', { requiresArg: true, type: 'number', default: 8474 })
          .option('seed', { requiresArg: true, type: 'number' })
          .option('proxy-metrics', { type: 'boolean', default: false, describe: 'serve /metrics with per-proxy byte counters (as -proxy-metrics)' })
          .option('runtime-metrics', { type: 'boolean', default: false, describe: 'serve /metrics with process figures (as -runtime-metrics)' }),
      async (a) => {
        const { toxiproxyServer } = await import('./commands/toxiproxy-server/index');
        code = await toxiproxyServer(
          { host: a.host, port: a.port, seed: a.seed, proxyMetrics: a['proxy-metrics'], runtimeMetrics: a['runtime-metrics'] },
          ctx,
        );
      },
    )
    .demandCommand(1, 'name a command; `harness --help` lists them')
    .strict()
    .help()
    .exitProcess(false)
    .fail((msg, err, usage) => {
      // A command's own error passes through untouched; anything yargs rejects is a usage error.
      if (err instanceof Error && err.name !== 'YError') throw err;
      throw usageError(msg ?? String(err ?? 'invalid command line'), (usage as unknown as { help(): string }).help(), argv);
    });
  // With a callback yargs hands --help/--version output to us instead of printing it.
  await parser.parseAsync(argv, {}, (_err, _args, output) => {
    if (output) ctx.stdout.write(`${output}\n`);
  });
  return code;
}

/**
 * Turns yargs' message into one line that says what is wrong, prefixed with the command
 * (`harness run: unknown option --bogus`), for a UsageError that carries the command's usage.
 */
export function usageError(msg: string, usage: string, argv: string[]): UsageError {
  const usageLine = usage.split('\n')[0] ?? 'harness';
  const command = usageLine.split(/\s+[<[]/)[0]!.trim() || 'harness';
  const topLevel = command === 'harness';
  let what = msg.replace(/\s+/g, ' ').trim();
  const unknown = /^Unknown arguments?: (.+)$/.exec(what);
  const choice = /^Invalid values: Argument: (\S+), Given: (.+), Choices: (.+)$/.exec(what);
  if (unknown) {
    const name = unknown[1]!.split(', ')[0]!;
    const dashed = argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `-${name}`);
    if (dashed) what = `unknown option ${dashed.split('=')[0]}`;
    else if (topLevel) what = `unknown command "${name}"`;
    else what = `unexpected argument "${name}"`;
  } else if (choice) {
    const choices = choice[3]!.replace(/"/g, '');
    what = `invalid value ${choice[2]} for --${choice[1]}; choose one of: ${choices}`;
  } else if (/^Not enough non-option arguments/.test(what) && !topLevel) {
    const required = usageLine.match(/<[^>]+>/g) ?? [];
    what = `missing argument ${required.join(' ') || '(see usage)'}`;
  } else if (/^Not enough arguments following: /.test(what)) {
    what = `missing value for --${what.replace(/^Not enough arguments following: /, '')}`;
  } else if (/^Missing required argument: /.test(what)) {
    what = `missing argument ${what.replace(/^Missing required argument: /, '')}`;
  }
  return new UsageError(`${command}: ${what}`, usage);
}

/** `--dashboard` is HARNESS_DASHBOARD=true for this command (the run session's report output reads it). */
function withDashboard(ctx: CommandContext, dashboard: boolean | undefined): CommandContext {
  return dashboard ? { ...ctx, env: { ...ctx.env, HARNESS_DASHBOARD: 'true' } } : ctx;
}
