import { readFile } from 'node:fs/promises';
import { loadConfig, type ConfigFlags } from '../../config';
import { InvalidConfigError } from '../../errors';
import type { RuntimeRegistry } from '../../runtimes';
import { baselineDir, loadGateBaseline } from '../../gate';
import { builtinRunOutputs, checkOutputs, gateOutput, resolveRunners, RunSession, selectEngine, thresholdCoverageOutput, type RunEngine } from '../../run';
import type { CommandContext } from '../context';
import { messages } from './messages';
import { precheckThresholds } from './precheck-thresholds';

export interface RunOptions extends ConfigFlags {
  /** Catalog name (`smoke`) or a path to a .ts/.js script. */
  scenario: string;
  /** Explicit config file (default: harness.config.* in cwd). */
  config?: string;
  /** `--baseline <name>`: gate the run against `reports/baselines/<name>/` (docs/gates.md). */
  baseline?: string;
  /** Tests: a fixed run id, no watchdog, another runtime registry, another engine. */
  runId?: string;
  watchdog?: boolean;
  runtimes?: RuntimeRegistry;
  engineOverride?: RunEngine;
  /** `--summary-mode` for the engine (k6 v1+'s modes; the built-in engine also takes `legacy`). */
  summaryMode?: string;
  /** `--secret-source TYPE=CONFIG`, each passed to the engine (k6/secrets). */
  secretSource?: string[];
}

/**
 * `harness run`: resolve config -> validate (outputs, scenario) -> the run session
 * (harness/run/run-session.ts) with this middle step: compile, threshold pre-check, engine
 * selection, start the runtime, run the engine against stack.targetUrl. The session owns the
 * teardown, the exit code rules, run.json, `exit-code` and the verdict line. Exit code as k6.
 *
 * Nothing is started before validation passes, so exit 104 never leaves anything behind.
 */
export async function run(opts: RunOptions, ctx: CommandContext): Promise<number> {
  const say = (line: string) => ctx.stderr.write(`${line}\n`);
  const { config, warnings } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, flags: opts, configFile: opts.config });
  for (const w of warnings) say(`warning: ${w}`);
  const outputs = checkOutputs(config.run.outputs, builtinRunOutputs(config));
  // no silent passes: a threshold that matched no sample fails the run (docs/gates.md)
  if (outputs.every((o) => o.wantsSamples !== false)) outputs.push(thresholdCoverageOutput(config.gate.optionalThresholds));
  if (opts.baseline !== undefined) {
    const dir = baselineDir(ctx.cwd, config.reportsDir, opts.baseline);
    // a missing baseline, or a gate entry that selects nothing in it, is exit 104 before anything starts
    await loadGateBaseline(dir, opts.baseline, config.gate);
    if (outputs.some((o) => o.wantsSamples === false)) throw new InvalidConfigError('--baseline needs the sample stream; it cannot be combined with --out none');
    outputs.push(gateOutput({ name: opts.baseline, dir, tolerances: config.gate }));
  }

  const { resolveScenario } = await import('../../build');
  const scenario = await resolveScenario(opts.scenario, ctx.cwd);

  const finished = await RunSession.run(
    {
      ctx,
      config,
      label: scenario.name,
      info: { scenario: scenario.name, scenarioPath: scenario.path },
      runId: opts.runId,
      watchdog: opts.watchdog,
      runtimes: opts.runtimes,
      outputs,
      verdict: messages.verdict,
      tearingDown: messages.tearingDown,
    },
    async (session) => {
      say(messages.starting(session.runId, scenario.name, session.shownDir));
      say(messages.seed(session.seed));
      // --- validate before anything starts -------------------------------------------------
      const compiled = await session.compile(scenario.path);
      const { literals } = precheckThresholds(await readFile(compiled.scriptPath, 'utf8'), scenario.name);
      // with --runners N the harness judges the thresholds: the script's literal ones (submetrics
      // included), else those the streams' Metric lines carry
      const thresholds = literals.length === 1 ? literals[0] : undefined;
      const { engine, why } = opts.engineOverride
        ? { engine: opts.engineOverride, why: opts.engineOverride.name }
        : await selectEngine(config.engine, ctx.env, { runners: config.run.runners, thresholds });
      const runners = resolveRunners(config.run.runners, engine.name);
      if (config.run.runners !== undefined || runners > 1) session.info.runners = runners;
      say(messages.engine(why));
      // flags passed through to the engine: one the installed k6 lacks is a 104 before anything starts
      const passThrough = { summaryMode: opts.summaryMode, secretSources: opts.secretSource?.length ? opts.secretSource : undefined };
      await engine.checkArgs?.(passThrough, ctx.env);
      // --- start the target ----------------------------------------------------------------
      const started = await session.startStack({ keep: config.run.keepUp });
      say(messages.runtime(started.stack.runtime));
      say(messages.target(started.stack.targetUrl));
      // --- run, gate -----------------------------------------------------------------------
      const { exitCode } = await started.engine(engine).run({
        args: {
          vus: config.run.vus,
          duration: config.run.duration,
          overrideVia: compiled.readsHarnessOverrides ? 'env' : 'flags',
          env: { ...config.run.env, BASE_URL: started.stack.targetUrl, HARNESS_SEED: String(session.seed), HARNESS_RUN_ID: session.runId },
          tags: { run_id: session.runId, ...config.run.tags },
          ...passThrough,
        },
      });
      if (config.run.keepUp) say(messages.keptUp(started.stack.targetUrl, session.runId));
      return exitCode;
    },
  );
  return finished.code;
}
