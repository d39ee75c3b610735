import { randomInt } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { relative } from 'node:path';
import type { CommandContext } from '../context';
import { loadConfig, redactConfig, type ConfigFlags } from '../../config';
import { ExitCode, InvalidConfigError, exitCodeOf, formatError, isHarnessError } from '../../errors';
import type { RuntimeRegistry } from '../../runtimes';
import { LiveStats, RunScope, startStack } from '../../run';
import { catalog, findExperiment } from '../../../chaos/catalog';
import { FaultDriver, K6Load, parseDuration, runExperiment, type ExperimentDefinition, type ExperimentResult } from '../../../chaos/experiment';
import { messages } from './messages';

export interface ChaosOptions extends Pick<ConfigFlags, 'runtime' | 'engine' | 'vus' | 'env' | 'tag' | 'seed' | 'toxiproxy'> {
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
  result?: ExperimentResult;
}

/**
 * `harness chaos <experiment> [--runtime auto|local|docker] [--seed N] [--duration D]` and
 * `harness chaos --all`: for each experiment the run lifecycle of `harness run` (config, run
 * scope with pids.json + watchdog + teardown, runtime from the registry), the experiment's k6
 * scenario as background load on a harness engine, the method (always rolled back), the
 * verdict in the run directory. Exit 0 all passed, 99 an experiment failed, 104 invalid
 * options, 105 interrupted (after rollback and teardown), else the harness error's code.
 */
export async function chaos(opts: ChaosOptions, ctx: CommandContext): Promise<number> {
  const say = (l: string) => ctx.stderr.write(`${l}\n`);
  const out = (l: string) => ctx.stdout.write(`${l}\n`);
  const problems: string[] = [];
  const selected = opts.all ? [...catalog] : opts.experiment ? [findExperiment(opts.experiment)].filter((e) => e !== undefined) : [];
  if (!opts.all && !opts.experiment) problems.push('experiment: name one, or pass --all');
  else if (!selected.length) problems.push(`experiment: unknown "${opts.experiment}"; valid: ${catalog.map((e) => e.name).join(', ')}`);
  if (opts.duration !== undefined && !parseDuration(opts.duration)) problems.push(`duration: "${opts.duration}" is not a positive duration (e.g. 6s, 1m)`);
  if (opts.runtime === 'external') problems.push('runtime: external has no Toxiproxy or processes to fault; use auto, local or docker');
  if (problems.length) throw new InvalidConfigError('invalid chaos options', problems, { hint: 'harness list shows the experiments' });

  // `--duration` scales the timeline, so it is not the scenario's run.duration.
  const { config, warnings } = await loadConfig({
    cwd: ctx.cwd,
    env: ctx.env,
    flags: { runtime: opts.runtime, engine: opts.engine, vus: opts.vus, env: opts.env, tag: opts.tag, seed: opts.seed, toxiproxy: opts.toxiproxy },
    configFile: opts.config,
  });
  for (const w of warnings) say(`warning: ${w}`);
  if (config.runtime.name === 'external') throw new InvalidConfigError('invalid chaos options', ['runtime: external (from the config) has no Toxiproxy or processes to fault; use --runtime local or docker']);

  // Validate every scenario and the engine before anything starts.
  const { resolveScenario, compileScenario } = await import('../../build');
  const scenarios = new Map<string, Awaited<ReturnType<typeof resolveScenario>>>();
  for (const def of selected) if (!scenarios.has(def.scenario)) scenarios.set(def.scenario, await resolveScenario(def.scenario, ctx.cwd));
  const { resolveEngine } = await import('../../engines');
  const { engine, why } = await resolveEngine(config.engine, ctx.env);

  const seed = config.run.seed ?? randomInt(1, 2 ** 31 - 1);
  out(messages.seed(seed));
  say(messages.engine(why));

  const outcomes: Outcome[] = [];
  for (const def of selected) {
    if (ctx.signal.aborted) break;
    const scope = await RunScope.create({ cwd: ctx.cwd, reportsDir: config.reportsDir, label: `chaos-${def.name}`, signal: ctx.signal, log: say, watchdog: opts.watchdog });
    const dir = scope.dir;
    const shownDir = relative(ctx.cwd, dir.path) || dir.path;
    const runInfo: Record<string, unknown> = { runId: scope.runId, kind: 'chaos', experiment: def.name, scenario: def.scenario, seed, duration: opts.duration, engine: engine.key, startedAt: new Date().toISOString() };
    const outcome: Outcome = { def, runDir: dir.path, code: ExitCode.Internal };
    outcomes.push(outcome);
    say(messages.starting(def.name, scope.runId, shownDir));
    try {
      await dir.writeJson(dir.configJson, redactConfig(config));
      await dir.writeSeed(seed);
      const compiled = await compileScenario(scenarios.get(def.scenario)!.path, { outDir: dir.path, cwd: ctx.cwd });
      await copyFile(compiled.bundlePath, dir.script);
      if (compiled.bundlePath !== dir.script) await rm(compiled.bundlePath, { force: true });

      const stack = await startStack({ config, scope, cwd: ctx.cwd, env: ctx.env, log: (l) => say(`  ${l}`), seed, registry: opts.runtimes });
      Object.assign(runInfo, { runtime: stack.runtime, targetUrl: stack.targetUrl, toxiproxy: stack.toxiproxy });
      await dir.writeJson(dir.runJson, runInfo);
      // Belt and braces: the runner rolls back itself; this runs (before the stack stops) even
      // if something between here and the runner's own rollback throws.
      if (stack.toxiproxy) {
        const faults = new FaultDriver(stack.toxiproxy, 3000);
        scope.defer(async () => {
          const left = await faults.rollback();
          if (left.length) throw new Error(`toxics left: ${left.join('; ')}`);
        }, 'chaos rollback');
      }
      const engineLog = createWriteStream(dir.log('k6'));
      scope.defer(() => new Promise<void>((r) => engineLog.end(() => r())), 'k6 log');
      let enginePid: number | undefined;
      const load = new K6Load({
        engine,
        scriptPath: dir.script,
        outJsonPath: dir.samples,
        summaryExportPath: dir.summary,
        cwd: ctx.cwd,
        env: ctx.env,
        scriptEnv: { ...config.run.env, HARNESS_SEED: String(seed), HARNESS_RUN_ID: scope.runId },
        tags: { run_id: scope.runId, experiment: def.name, ...config.run.tags },
        rate: def.load?.rate,
        vus: config.run.vus,
        stdout: engineLog,
        stderr: engineLog,
        onStart: (pid) => {
          enginePid = pid;
          void scope.pidFile.addProcess({ pid, component: 'k6', command: `${engine.key} run ${dir.script}`, group: true });
        },
      });
      // The engine's output goes to logs/k6.log; this line is the live view of its load.
      const live = new LiveStats({ path: dir.samples, write: say }).start();
      scope.defer(() => live.stop(), 'live stats');
      try {
        outcome.result = await runExperiment(def, { stack, runDir: dir.path, seed, duration: opts.duration, signal: ctx.signal, log: say, load, drainTimeoutMs: opts.drainTimeoutMs });
      } finally {
        live.stop();
        if (enginePid !== undefined) await scope.pidFile.removeProcess(enginePid);
      }
      const r = outcome.result;
      outcome.code = r.verdict === 'aborted' ? ExitCode.ExternalAbort : r.verdict === 'failed' ? ExitCode.ThresholdsFailed : ExitCode.Ok;
      Object.assign(runInfo, { verdict: r.verdict, problems: r.problems, recovery: r.recovery, requests: r.requests });
      out(messages.result(r));
      for (const p of r.problems) out(`  - ${p}`);
    } catch (e) {
      outcome.code = ctx.signal.aborted && !(isHarnessError(e) && e.exitCode === ExitCode.InvalidConfig) ? ExitCode.ExternalAbort : exitCodeOf(e);
      say(formatError(e));
    } finally {
      if (!scope.closed) {
        say(messages.tearingDown);
        await scope.close();
      }
      runInfo.finishedAt = new Date().toISOString();
      runInfo.exitCode = outcome.code;
      await dir.writeJson(dir.runJson, runInfo).catch(() => {});
      await dir.writeExitCode(outcome.code).catch(() => {});
    }
    out(messages.verdict(def.name, outcome.code, shownDir));
  }

  const code = ctx.signal.aborted || outcomes.some((o) => o.code === ExitCode.ExternalAbort)
    ? ExitCode.ExternalAbort
    : (outcomes.find((o) => o.code !== ExitCode.Ok && o.code !== ExitCode.ThresholdsFailed)?.code ?? (outcomes.some((o) => o.code === ExitCode.ThresholdsFailed) ? ExitCode.ThresholdsFailed : ExitCode.Ok));
  if (outcomes.length > 1 || code === ExitCode.ExternalAbort) out(messages.summary(outcomes.filter((o) => o.code === ExitCode.Ok).length, selected.length, code));
  return code;
}
