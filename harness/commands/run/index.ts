import { randomInt } from 'node:crypto';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { relative } from 'node:path';
import { loadConfig, redactConfig, type ConfigFlags } from '../../config';
import { AbortedError, ExitCode, exitCodeOf, formatError, isHarnessError } from '../../errors';
import type { RuntimeRegistry } from '../../runtimes';
import { checkOutputs, LiveStats, RunScope, startStack, upStateFile, readUpStates, writeUpStates } from '../../run';
import type { CommandContext } from '../context';
import { selectEngine, type EngineRunRequest, type RunEngine } from './engine-adapter';
import { messages } from './messages';
import { precheckThresholds } from './precheck-thresholds';

export interface RunOptions extends ConfigFlags {
  /** Catalog name (`smoke`) or a path to a .ts/.js script. */
  scenario: string;
  /** Explicit config file (default: harness.config.* in cwd). */
  config?: string;
  /** Tests: a fixed run id, no watchdog, another runtime registry, another engine. */
  runId?: string;
  watchdog?: boolean;
  runtimes?: RuntimeRegistry;
  engineOverride?: RunEngine;
}

/**
 * `harness run`: resolve config -> validate everything (outputs, scenario compile, thresholds,
 * engine selection) -> start the runtime -> run the engine against stack.targetUrl -> gate ->
 * teardown -> one-line verdict and the run directory. Exit code as k6.
 *
 * Nothing is started before validation passes, so exit 104 never leaves anything behind.
 */
export async function run(opts: RunOptions, ctx: CommandContext): Promise<number> {
  const say = (line: string) => ctx.stderr.write(`${line}\n`);
  const { config, warnings } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, flags: opts, configFile: opts.config });
  for (const w of warnings) say(`warning: ${w}`);
  checkOutputs(config.run.outputs);

  const { resolveScenario, compileScenario } = await import('../../build');
  const scenario = await resolveScenario(opts.scenario, ctx.cwd);
  const seed = config.run.seed ?? randomInt(1, 2 ** 31 - 1);

  const scope = await RunScope.create({
    cwd: ctx.cwd,
    reportsDir: config.reportsDir,
    label: scenario.name,
    runId: opts.runId,
    signal: ctx.signal,
    log: say,
    watchdog: opts.watchdog,
  });
  const dir = scope.dir;
  const shownDir = relative(ctx.cwd, dir.path) || dir.path;
  const startedAt = new Date().toISOString();
  const runInfo: Record<string, unknown> = { runId: scope.runId, scenario: scenario.name, scenarioPath: scenario.path, seed, startedAt };
  let code: number = ExitCode.Internal;
  try {
    say(messages.starting(scope.runId, scenario.name, shownDir));
    say(messages.seed(seed));
    await dir.writeJson(dir.configJson, redactConfig(config));
    await dir.writeSeed(seed);

    // --- validate before anything starts -------------------------------------------------
    const compiled = await compileScenario(scenario.path, { outDir: dir.path, cwd: ctx.cwd });
    await copyFile(compiled.bundlePath, dir.script);
    if (compiled.bundlePath !== dir.script) await rm(compiled.bundlePath, { force: true });
    precheckThresholds(await readFile(dir.script, 'utf8'), scenario.name);
    const { engine, why } = opts.engineOverride ? { engine: opts.engineOverride, why: opts.engineOverride.name } : await selectEngine(config.engine, ctx.env);
    say(messages.engine(why));
    runInfo.engine = engine.name;
    let enginePid: number | undefined;
    const request = (targetUrl: string): EngineRunRequest => ({
      scriptPath: dir.script,
      cwd: ctx.cwd,
      args: {
        vus: config.run.vus,
        duration: config.run.duration,
        overrideVia: compiled.readsHarnessOverrides ? 'env' : 'flags',
        env: { ...config.run.env, BASE_URL: targetUrl, HARNESS_SEED: String(seed), HARNESS_RUN_ID: scope.runId },
        tags: { run_id: scope.runId, ...config.run.tags },
        outJsonPath: dir.samples,
        summaryExportPath: dir.summary,
      },
      env: ctx.env,
      signal: ctx.signal,
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      // A SIGKILLed harness must not leave the engine running: the watchdog and reap kill it.
      onStart: (pid) => {
        enginePid = pid;
        void scope.pidFile.addProcess({ pid, component: 'k6', command: `${engine.name} run ${dir.script}`, group: true });
      },
    });
    if (ctx.signal.aborted) throw new AbortedError('interrupted before the stack started');

    // --- start the target ------------------------------------------------------------------
    const stack = await startStack({ config, scope, cwd: ctx.cwd, env: ctx.env, log: (l) => say(`  ${l}`), seed, registry: opts.runtimes, teardown: !config.run.keepUp });
    runInfo.runtime = stack.runtime;
    runInfo.targetUrl = stack.targetUrl;
    runInfo.toxiproxy = stack.toxiproxy;
    say(messages.runtime(stack.runtime));
    say(messages.target(stack.targetUrl));
    await dir.writeJson(dir.runJson, runInfo);
    if (config.run.keepUp) {
      const file = upStateFile(ctx.cwd, config.reportsDir);
      const states = await readUpStates(file);
      states.push({ runId: scope.runId, runDir: dir.path, runtime: stack.runtime, targetUrl: stack.targetUrl, gatewayUrl: stack.gatewayUrl, redisUrl: stack.redisUrl, toxiproxy: stack.toxiproxy, startedAt });
      await writeUpStates(file, states);
    }

    // --- run, gate -------------------------------------------------------------------------
    // Beside the engine's own progress line: req/s and errors from the sample stream (same for k6 and builtin).
    const live = new LiveStats({ path: dir.samples, write: say }).start();
    scope.defer(() => live.stop(), 'live stats');
    try {
      code = await engine.run(request(stack.targetUrl));
    } finally {
      live.stop();
      if (enginePid !== undefined) await scope.pidFile.removeProcess(enginePid);
    }
    if (ctx.signal.aborted && code === ExitCode.Ok) code = ExitCode.ExternalAbort;
    if (config.run.keepUp) say(messages.keptUp(stack.targetUrl, scope.runId));
  } catch (e) {
    code = ctx.signal.aborted && !(isHarnessError(e) && e.exitCode === ExitCode.InvalidConfig) ? ExitCode.ExternalAbort : exitCodeOf(e);
    say(formatError(e));
  } finally {
    if (!scope.closed) {
      if (!config.run.keepUp || code !== ExitCode.Ok) say(messages.tearingDown);
      await scope.close();
    }
    runInfo.finishedAt = new Date().toISOString();
    runInfo.exitCode = code;
    await dir.writeJson(dir.runJson, runInfo).catch(() => {});
    await dir.writeExitCode(code).catch(() => {});
  }
  ctx.stdout.write(`${messages.verdict(code, shownDir)}\n`);
  return code;
}
