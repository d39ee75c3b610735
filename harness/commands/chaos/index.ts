import { randomInt } from 'node:crypto';
import type { CommandContext } from '../context';
import { loadConfig, type ConfigFlags } from '../../config';
import { ExitCode, InvalidConfigError } from '../../errors';
import type { RuntimeRegistry } from '../../runtimes';
import { builtinRunOutputs, checkOutputs, redisAccounting, RunSession, selectEngine } from '../../run';
import { catalog, findExperiment } from '../../../chaos/catalog';
import { positiveDurationMs } from '../../../vocabulary';
import { FaultDriver, K6Load, runExperiment, type ExperimentDefinition } from '../../../chaos/experiment';
import { messages } from './messages';

export interface ChaosOptions extends Pick<ConfigFlags, 'runtime' | 'engine' | 'vus' | 'env' | 'tag' | 'seed' | 'toxiproxy' | 'out'> {
  experiment?: string;
  /** The game-day: every catalog experiment in order, each on a fresh stack. */
  all?: boolean;
  /** Rescales each experiment's whole timeline (`30s` -> `6s`); the recovery phase keeps its floor. */
  duration?: string;
  /** Explicit config file (default: harness.config.* in cwd). */
  config?: string;
  /** Tests: no watchdog, another runtime registry, fewer control-call seconds. */
  watchdog?: boolean;
  runtimes?: RuntimeRegistry;
  drainTimeoutMs?: number;
}

interface Outcome {
  def: ExperimentDefinition;
  runDir: string;
  code: number;
}

/**
 * `harness chaos <experiment> [--runtime auto|local|docker] [--seed N] [--duration D]` and
 * `harness chaos --all`: for each experiment one run session (harness/run/run-session.ts:
 * run dir, pids.json + watchdog + teardown, runtime, exit code, verdict) whose middle step is
 * the experiment: its k6 scenario as background load through the session's engine step, the
 * method (always rolled back), the result in the run directory. Exit 0 all passed, 99 an experiment failed, 104 invalid
 * options, 105 interrupted (after rollback and teardown), else the harness error's code.
 */
export async function chaos(opts: ChaosOptions, ctx: CommandContext): Promise<number> {
  const say = (l: string) => ctx.stderr.write(`${l}\n`);
  const out = (l: string) => ctx.stdout.write(`${l}\n`);
  const problems: string[] = [];
  const selected = opts.all ? [...catalog] : opts.experiment ? [findExperiment(opts.experiment)].filter((e) => e !== undefined) : [];
  if (!opts.all && !opts.experiment) problems.push('experiment: name one, or pass --all');
  else if (!selected.length) problems.push(`experiment: unknown "${opts.experiment}"; valid: ${catalog.map((e) => e.name).join(', ')}`);
  if (opts.duration !== undefined && positiveDurationMs(opts.duration) === undefined) problems.push(`duration: "${opts.duration}" is not a positive duration (e.g. 6s, 1m; a bare number is milliseconds)`);
  if (opts.runtime === 'external') problems.push('runtime: external has no Toxiproxy or processes to fault; use auto, local or docker');
  if (problems.length) throw new InvalidConfigError('invalid chaos options', problems, { hint: 'harness list shows the experiments' });

  // `--duration` scales the timeline, so it is not the scenario's run.duration.
  const { config, warnings } = await loadConfig({
    cwd: ctx.cwd,
    env: ctx.env,
    flags: { runtime: opts.runtime, engine: opts.engine, vus: opts.vus, env: opts.env, tag: opts.tag, seed: opts.seed, toxiproxy: opts.toxiproxy, out: opts.out },
    configFile: opts.config,
  });
  for (const w of warnings) say(`warning: ${w}`);
  if (config.runtime.name === 'external') throw new InvalidConfigError('invalid chaos options', ['runtime: external (from the config) has no Toxiproxy or processes to fault; use --runtime local or docker']);
  // --out (InfluxDB streaming): checked once here, fresh outputs for each experiment's session
  if (config.run.outputs.includes('none')) throw new InvalidConfigError('invalid chaos options', ['out: none: an experiment reads the sample stream (use json or influxdb)']);
  checkOutputs(config.run.outputs, builtinRunOutputs(config));

  // Validate every scenario and the engine before anything starts.
  const { resolveScenario } = await import('../../build');
  const scenarios = new Map<string, Awaited<ReturnType<typeof resolveScenario>>>();
  for (const def of selected) if (!scenarios.has(def.scenario)) scenarios.set(def.scenario, await resolveScenario(def.scenario, ctx.cwd));
  // the background load stays one engine process unless run.runners says otherwise: an
  // experiment times recovery from the live stream, which the runners' merge holds back by up to
  // a runner's flush (docs/scaling.md)
  const { engine, why } = await selectEngine(config.engine, ctx.env, { runners: config.run.runners ?? 1 });

  const seed = config.run.seed ?? randomInt(1, 2 ** 31 - 1);
  out(messages.seed(seed));
  say(messages.engine(why));

  const outcomes: Outcome[] = [];
  for (const def of selected) {
    if (ctx.signal.aborted) break;
    // One run session per experiment; its middle step: compile, stack, experiment with K6Load.
    const finished = await RunSession.run(
      {
        ctx,
        config,
        label: `chaos-${def.name}`,
        seed,
        info: { kind: 'chaos', experiment: def.name, scenario: def.scenario, duration: opts.duration },
        watchdog: opts.watchdog,
        runtimes: opts.runtimes,
        outputs: checkOutputs(config.run.outputs, builtinRunOutputs(config)),
        verdict: (code, shownDir) => messages.verdict(def.name, code, shownDir),
        tearingDown: messages.tearingDown,
      },
      async (session) => {
        say(messages.starting(def.name, session.runId, session.shownDir));
        await session.compile(scenarios.get(def.scenario)!.path);
        const started = await session.startStack();
        const { stack } = started;
        // Belt and braces: the runner rolls back itself; this runs (before the stack stops) even
        // if something between here and the runner's own rollback throws.
        if (stack.toxiproxy) {
          const faults = new FaultDriver(stack.toxiproxy, 3000, config.toxiproxy.token);
          session.scope.defer(async () => {
            const left = await faults.rollback();
            if (left.length) throw new Error(`toxics left: ${left.join('; ')}`);
          }, 'chaos rollback');
        }
        // The engine's output goes to logs/k6.log; the session's live stats line is the view of its load.
        const engineLog = session.logStream('k6');
        const load = new K6Load({
          engine: started.engine(engine, { stdout: engineLog, stderr: engineLog }),
          scriptEnv: { ...config.run.env, HARNESS_SEED: String(seed), HARNESS_RUN_ID: session.runId },
          tags: { run_id: session.runId, experiment: def.name, ...config.run.tags },
          rate: def.load?.rate,
          vus: config.run.vus,
        });
        const accounting = stack.redisUrl ? redisAccounting(stack.redisUrl) : undefined;
        const r = await runExperiment(def, { stack, accounting, runDir: session.dir.path, seed, duration: opts.duration, signal: ctx.signal, log: say, load, drainTimeoutMs: opts.drainTimeoutMs, toxiproxyToken: config.toxiproxy.token });
        Object.assign(session.info, { verdict: r.verdict, problems: r.problems, recovery: r.recovery, requests: r.requests });
        out(messages.result(r));
        for (const p of r.problems) out(`  - ${p}`);
        return r.verdict === 'aborted' ? ExitCode.ExternalAbort : r.verdict === 'failed' ? ExitCode.ThresholdsFailed : ExitCode.Ok;
      },
    );
    outcomes.push({ def, runDir: finished.runDir, code: finished.code });
  }

  const code = ctx.signal.aborted || outcomes.some((o) => o.code === ExitCode.ExternalAbort)
    ? ExitCode.ExternalAbort
    : (outcomes.find((o) => o.code !== ExitCode.Ok && o.code !== ExitCode.ThresholdsFailed)?.code ?? (outcomes.some((o) => o.code === ExitCode.ThresholdsFailed) ? ExitCode.ThresholdsFailed : ExitCode.Ok));
  if (outcomes.length > 1 || code === ExitCode.ExternalAbort) out(messages.summary(outcomes.filter((o) => o.code === ExitCode.Ok).length, selected.length, code));
  return code;
}
