import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IoContext } from '../../io';
import { ExitCode, formatError, HarnessError, InvalidConfigError, isHarnessError } from '../../errors';
import { builtinExecutors } from '../executors/builtins';
import { planExecution } from '../execution/plan';
import { NullProgress, StreamProgress, type ProgressReporter } from '../execution/progress';
import { Scheduler } from '../execution/scheduler';
import type { ExecutionResult, LiveThresholds } from '../execution/types';
import { createMetricRegistry } from '../metrics/metric-registry';
import { MetricsEngine } from '../metrics/metrics-engine';
import { consolidateOptions } from '../options/consolidate';
import { optionsFromEnv } from '../options/env';
import { k6TestOptions } from '../options/test-options';
import type { K6Options } from '../options/types';
import { renderBanner, renderExecutionDescription } from '../output/banner';
import { builtinOutputs } from '../output/builtins';
import { summaryResult, writeSummaryResult } from '../output/handle-summary';
import { buildMachineReadableSummary } from '../output/summary-machine-readable';
import { buildSummaryReport, SummaryCollector } from '../output/summary-report';
import { startOutputs, stopOutputs } from '../output/registry';
import { isWithFlushed } from '../output/types';
import { RunnerAggregates } from '../merge/runner-aggregates';
import { readRunnersFile, RUNNERS_FILES, waitForRunnersFile, writeRunnersFile, type MergedSummaryMessage, type ReadyMessage, type SetupMessage, type TeardownDoneMessage } from '../merge/runners-protocol';
import { buildSummaryData, type SummaryData } from '../output/summary-data';
import type { Output } from '../output/types';
import { loadScript, releaseBundler } from '../runtime';
import { createBuiltinRegistry } from '../modules/builtins';
import { parseThresholdsConfig, readSampleBatches, validateThresholds, ThresholdsEvaluator, thresholdsCrossedMessage, unmatchedThresholdMessage } from '../../../vocabulary';
import type { RuntimeOptions, ScriptRuntime } from '../types';
import { parseRunFlags, SUMMARY_MODES, summaryEnabled, type RunFlags, type SummaryMode } from './flags';
import { createSecretStore, type SecretStoreImpl } from '../secrets';
import { k6ConfigErrorText } from './k6-config-error';
import { createK6Logger } from './logger';

export const K6_COMPAT_VERSION = 'v0.48.0';

/**
 * `harness k6 <command> [flags]`: the built-in engine with k6's own CLI. Returns k6's exit code:
 * 0 ok, 99 thresholds crossed, 100 setup timeout, 101 teardown timeout, 104 invalid config
 * (also bad flags), 105 SIGINT/SIGTERM (ctx.signal), 107 script exception, 108 test.abort().
 * Never calls process.exit and reads no process state: everything comes from `ctx`.
 */
export async function runK6(argv: string[], ctx: IoContext): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run':
      return runCommand(rest, ctx);
    case 'version':
    case '--version':
      ctx.stdout.write(`k6 ${K6_COMPAT_VERSION} (harness builtin engine ${harnessVersion()}, node ${process.version})\n`);
      return ExitCode.Ok;
    case 'inspect':
      return inspectCommand(rest, ctx);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      ctx.stdout.write(USAGE);
      return cmd === undefined ? ExitCode.InvalidConfig : ExitCode.Ok;
    default:
      ctx.stderr.write(`unknown command "${cmd}" for "harness k6"; valid: run, version, inspect, help\n`);
      return ExitCode.InvalidConfig;
  }
}

const USAGE = `Usage: harness k6 run [flags] script.(js|ts)

The built-in k6-compatible engine (k6 ${K6_COMPAT_VERSION} semantics and output formats).

Flags:
  -u, --vus N                 number of VUs
  -d, --duration D            test duration (e.g. 30s, 1m30s)
  -i, --iterations N          total iterations (shared among the VUs)
  -s, --stage D:T             a ramping stage (repeatable)
  -e, --env K=V               add an env var for __ENV (repeatable)
  -o, --out json=FILE         metrics output (repeatable)
      --summary-export FILE   write the end-of-test summary as JSON
      --summary-trend-stats   e.g. "avg,p(95),p(99.9)"
      --summary-mode M        compact (default), full or disabled: k6 v1/v2's summary
                              layouts; legacy: k6 v0.48's text (env K6_SUMMARY_MODE)
      --new-machine-readable-summary  handleSummary() and --summary-export get k6's
                              machine-readable summary (env K6_NEW_MACHINE_READABLE_SUMMARY)
      --secret-source S       k6/secrets source: file=PATH, env[=prefix=P] (repeatable;
                              name=N and default as in k6); values read are redacted from logs
      --tag K=V               test-wide tag (repeatable)
  -q, --quiet                 no banner and no progress
      --no-summary            no end-of-test summary: no text, no handleSummary(), no
                              --summary-export (as --summary-mode disabled; env K6_NO_SUMMARY)
      --no-thresholds         do not evaluate thresholds
      --fail-on-unmatched-thresholds  a threshold whose metric or submetric got no sample
                              fails (exit 99) instead of passing as in k6 (harness only;
                              env HARNESS_K6_FAIL_ON_UNMATCHED_THRESHOLDS=true)
      --include-system-env-vars[=false]  pass the process env to __ENV (default true)
      --log-output stderr|stdout|none|file=PATH
      --execution-segment A:B        run only this share of the test (e.g. 0:1/2, 50%:100%)
      --execution-segment-sequence S  the segments all instances use (e.g. 0,1/2,1)
      --no-setup / --no-teardown     do not run setup() / teardown()
      --setup-from DIR / --lifecycle-for DIR  harness only, for \`harness run --runners N\`:
                              setup's data from another instance / run only setup, teardown
                              and the summary for the runners (docs/scaling.md)
`;

interface Loaded {
  flags: RunFlags;
  runtime: ScriptRuntime;
  options: K6Options;
  runtimeOptions: RuntimeOptions;
  engine: MetricsEngine;
  registry: ReturnType<typeof createMetricRegistry>;
  thresholds?: ThresholdsEvaluator;
  secrets: SecretStoreImpl;
  warnings: string[];
}

/** Flags → load the script (init once) → consolidate + validate options and thresholds. Throws HarnessErrors. */
async function load(argv: string[], ctx: IoContext, logger: RuntimeOptions['logger'] | null): Promise<Loaded> {
  const problems: string[] = [];
  const flags = parseRunFlags(argv, problems);
  if (!flags.script) problems.push('missing the script argument: harness k6 run [flags] script.(js|ts)');
  if (problems.length) throw new InvalidConfigError('invalid `harness k6 run` arguments', problems, { hint: 'see `harness k6 help`' });
  const secrets = createSecretStore(flags.secretSources, { cwd: ctx.cwd, env: ctx.env }, problems);
  if (problems.length) throw new InvalidConfigError('invalid `harness k6 run` arguments', problems, { hint: 'see `harness k6 help`' });
  return loadWith(flags, ctx, secrets.redactingLogger(logger ?? createK6Logger(flags.logOutput, ctx, flags.verbose).logger), secrets);
}

async function loadWith(flags: RunFlags, ctx: IoContext, logger: RuntimeOptions['logger'], secrets: SecretStoreImpl): Promise<Loaded> {
  const problems: string[] = [];
  const sysEnv: Record<string, string> = {};
  if (flags.includeSystemEnvVars) for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) sysEnv[k] = v;
  const registry = createMetricRegistry();
  const engine = new MetricsEngine({ registry });
  // k6 resolves open() and imports against the script's directory, not the working directory
  const scriptPath = resolve(ctx.cwd, flags.script!);
  const runtimeOptions: RuntimeOptions = {
    filename: flags.script!,
    cwd: dirname(scriptPath),
    env: { ...sysEnv, ...flags.env },
    tags: {},
    systemTags: new Set(),
    userAgent: 'k6/0.48.0 (https://k6.io/)',
    logger,
    metrics: registry,
    // a secret a script put in a URL or a tag reaches no sink, output or summary in clear
    sink: secrets.redactingSink(engine),
    secrets,
  };
  let runtime: ScriptRuntime;
  try {
    runtime = await loadScript(scriptPath, runtimeOptions, { modules: createBuiltinRegistry(), realms: realmsFrom(ctx.env, problems) });
  } catch (e) {
    throw asScriptError(e);
  }
  await releaseBundler();
  const envLayer = optionsFromEnv(ctx.env, problems);
  let thresholdCfg: ReturnType<typeof parseThresholdsConfig>['config'] | undefined;
  const outputs = builtinOutputs();
  for (const o of flags.out) {
    const err = outputs.check(o);
    if (err) problems.push(`--out ${o}: ${err}`);
  }
  const consolidated = (input: Parameters<typeof consolidateOptions>[0]) => {
    try {
      return consolidateOptions(input);
    } catch (e) {
      // k6's own line first (what k6 users match on), then the harness's listing with its hint
      const k6Text = e instanceof InvalidConfigError ? k6ConfigErrorText(e.problems, { given: flags.script!, abs: scriptPath }) : undefined;
      if (k6Text) logger.error(k6Text);
      throw e;
    }
  };
  const { options, warnings } = consolidated({
    script: runtime.exports.options,
    env: envLayer,
    cli: flags.options,
    registry: builtinExecutors(),
    exportedFunctions: runtime.exports.functions,
    problems,
    validateThresholds: (t) => {
      const parsed = parseThresholdsConfig(t);
      thresholdCfg = parsed.config;
      return [...parsed.problems, ...validateThresholds(parsed.config, registry)];
    },
  });
  Object.assign(runtimeOptions, {
    tags: options.tags,
    systemTags: new Set(options.systemTags),
    userAgent: options.userAgent,
    noConnectionReuse: options.noConnectionReuse,
    noVUConnectionReuse: options.noVUConnectionReuse,
    insecureSkipTLSVerify: options.insecureSkipTLSVerify,
    discardResponseBodies: options.discardResponseBodies,
    batch: options.batch,
    batchPerHost: options.batchPerHost,
    maxRedirects: options.maxRedirects,
    throw: options.throw,
    hosts: options.hosts,
    testOptions: k6TestOptions(options.merged, options.derivedScenarios),
  } satisfies Partial<RuntimeOptions>);
  const thresholds = !options.noThresholds && thresholdCfg && thresholdCfg.entries.length ? new ThresholdsEvaluator(thresholdCfg, engine) : undefined;
  return { flags, runtime, options, runtimeOptions, engine, registry, thresholds, secrets, warnings };
}

/** How often a runner appends its aggregates (`--aggregates-out`): the harness judges abortOnFail every 2 s. */
const AGGREGATES_INTERVAL_MS = 500;

async function runCommand(argv: string[], ctx: IoContext): Promise<number> {
  const problems: string[] = [];
  const flags = parseRunFlags(argv, problems);
  if (!flags.script) problems.push('missing the script argument: harness k6 run [flags] script.(js|ts)');
  const log = createK6Logger(flags.logOutput, ctx, flags.verbose);
  const secrets = createSecretStore(flags.secretSources, { cwd: ctx.cwd, env: ctx.env }, problems);
  // k6 v1+: every secret value a script read is redacted from every log line
  const logger = secrets.redactingLogger(log.logger);
  const summaryMode = summaryModeOf(flags, ctx.env, problems);
  const machineReadable = machineReadableOf(flags, ctx.env, problems);
  if (problems.length) {
    ctx.stderr.write(`${formatError(new InvalidConfigError('invalid `harness k6 run` arguments', problems, { hint: 'see `harness k6 help`' }))}\n`);
    return ExitCode.InvalidConfig;
  }
  const stats = statsRecorder(ctx.env.HARNESS_K6_STATS_FILE);
  let outputs: Output[] = [];
  let collector: SummaryCollector | undefined;
  let aggregates: RunnerAggregates | undefined;
  let aggregatesTimer: NodeJS.Timeout | undefined;
  // the last aggregates are on disk before the harness hears this instance is done (its exit, teardown-done)
  const closeAggregates = () => {
    clearInterval(aggregatesTimer);
    aggregates?.close();
    aggregates = undefined;
  };
  try {
    if (!flags.quiet) ctx.stdout.write(renderBanner());
    let loaded: Loaded;
    try {
      loaded = await loadWith(flags, ctx, logger, secrets);
    } catch (e) {
      return fail(e, ctx, logger);
    }
    for (const w of loaded.warnings) logger.warn(w);
    const { runtime, options, runtimeOptions, engine, thresholds } = loaded;
    if (flags.aggregatesOut) {
      aggregates = new RunnerAggregates(engine, resolve(ctx.cwd, flags.aggregatesOut));
      const keys = options.thresholds === undefined ? [] : parseThresholdsConfig(options.thresholds).config.entries.map((e) => e.key);
      aggregates.bindSubmetrics(keys);
      const a = aggregates;
      aggregatesTimer = setInterval(() => a.write(), AGGREGATES_INTERVAL_MS);
      aggregatesTimer.unref();
    }
    const registry = builtinExecutors();
    const tuple = options.executionTuple;
    const lifecycleDir = flags.lifecycleFor && resolve(ctx.cwd, flags.lifecycleFor);
    const setupDir = flags.setupFrom && resolve(ctx.cwd, flags.setupFrom);
    // k6 leaves a scenario with no work in this segment out of the plan, with a warning;
    // a lifecycle instance runs none: its runners do
    const executors = lifecycleDir
      ? []
      : options.scenarios
          .map((s) => registry.get(s.executor).create(s, tuple))
          .filter((e) => {
            if (!e.hasWork()) logger.warn(`Executor '${e.config.name}' is disabled for segment ${tuple.segment} due to lack of work!`);
            return e.hasWork();
          });
    const plan = planExecution(executors);
    try {
      outputs = flags.out.map((spec) => builtinOutputs().create(spec, { metrics: engine, cwd: ctx.cwd, stdout: ctx.stdout, env: runtimeOptions.env, logger, sharedJsonDir: flags.jsonShared && resolve(ctx.cwd, flags.jsonShared) }));
      // k6 v1+'s full summary has per-group and per-scenario metrics: an output of its own collects them
      if (summaryMode === 'full') {
        collector = new SummaryCollector((name) => loaded.registry.get(name));
        engine.setOutputs([...outputs, collector]);
      } else engine.setOutputs(outputs);
      await startOutputs(outputs);
    } catch (e) {
      outputs = [];
      return fail(new HarnessError(`could not start the outputs: ${(e as Error).message}`, { exitCode: ExitCode.GenericError, cause: e }), ctx, logger);
    }
    if (!flags.quiet) {
      ctx.stdout.write(
        renderExecutionDescription({
          script: flags.script!,
          outputs: outputs.map((o) => o.description()),
          scenarios: plan.executors.map((e) => ({ name: e.config.name, description: e.description(), startTimeMs: e.config.startTime })),
          maxVUs: plan.maxVUs,
          maxDurationMs: plan.maxDuration,
          segmentFraction: tuple.segment.length.toNumber(),
        }),
      );
    }

    const live: LiveThresholds | undefined = thresholds && {
      abortingMetrics: (elapsed) => {
        const r = thresholds.evaluate(elapsed, { final: false });
        for (const err of r.errors) logger.error('Threshold error', { metric: err.metric, error: err.message });
        return r.shouldAbort ? r.breached : [];
      },
    };
    if (lifecycleDir) {
      writeRunnersFile(lifecycleDir, RUNNERS_FILES.ready, {
        thresholds: options.thresholds,
        summaryTrendStats: [...options.summaryTrendStats],
        summaryTimeUnit: options.summaryTimeUnit,
      } satisfies ReadyMessage);
    }
    // the lifecycle instance's samples are on disk before the runners (or the merge) hear of a phase's end
    const flushOutputs = async () => {
      engine.flushOutputs();
      await Promise.all(outputs.filter(isWithFlushed).map((o) => o.flushed()));
    };
    const lifecycleHooks = lifecycleDir
      ? {
          gauges: false,
          afterSetup: async (data: unknown) => {
            await flushOutputs();
            writeRunnersFile(lifecycleDir, RUNNERS_FILES.setup, { ok: true, data } satisfies SetupMessage);
          },
          alongsideScenarios: () => waitForRunnersFile<void>(lifecycleDir, RUNNERS_FILES.runnersDone, { pollMs: 50 }),
        }
      : {};
    const runnerHooks = setupDir
      ? {
          setupData: async (signal: AbortSignal) => {
            const m = await waitForRunnersFile<SetupMessage>(setupDir, RUNNERS_FILES.setup, { signal });
            return m.ok ? { data: m.data } : undefined;
          },
        }
      : {};
    let progress: ProgressReporter = new NullProgress();
    const scheduler = new Scheduler({
      runtime,
      runtimeOptions,
      options,
      executors,
      logger,
      signal: ctx.signal,
      thresholds: live,
      noSetup: flags.noSetup,
      noTeardown: flags.noTeardown,
      ...lifecycleHooks,
      ...runnerHooks,
      onStart: () => {
        stats.started();
        progress.start();
      },
    });
    progress = flags.quiet
      ? new NullProgress()
      : new StreamProgress({ state: scheduler, executors: plan.executors, maxDuration: plan.maxDuration, maxVUs: plan.maxVUs, now: () => performance.timeOrigin + performance.now() }, ctx.stdout, ctx.isTTY);
    const result = await scheduler.run();
    stats.ran(scheduler);
    progress.stop();
    engine.flushOutputs();
    let merged: MergedSummaryMessage | undefined;
    if (lifecycleDir) {
      // setup failed or was stopped: the runners waiting for it end without running anything
      if (!readRunnersFile(lifecycleDir, RUNNERS_FILES.setup)) writeRunnersFile(lifecycleDir, RUNNERS_FILES.setup, { ok: false } satisfies SetupMessage);
      await stopOutputs(outputs);
      outputs = [];
      closeAggregates();
      writeRunnersFile(lifecycleDir, RUNNERS_FILES.teardownDone, { testRunDurationMs: result.durationMs } satisfies TeardownDoneMessage);
      merged = await waitForRunnersFile<MergedSummaryMessage>(lifecycleDir, RUNNERS_FILES.summary, { pollMs: 20 });
      // full mode's per-group and per-scenario sections: from the merged stream, read once now
      collector = undefined;
      if (summaryMode === 'full' && merged.samplesFile) {
        const m = merged.metrics;
        collector = new SummaryCollector((name) => loaded.registry.get(name) ?? (m[name] && { type: m[name].type, contains: m[name].contains }));
        for await (const batch of readSampleBatches(merged.samplesFile)) collector.write(batch.flatMap((r) => (r.type === 'Point' ? [r.sample] : [])));
      }
    }

    let exitCode: number = result.exitCode;
    if (result.error) logError(result, logger);
    // k6 cmd/run.go: after a run that ended without an error
    else if (result.iterationsCompleted === 0) logger.warn('No script iterations fully finished, consider making the test duration longer');
    const ran = !(result.exitCode === ExitCode.ScriptException && result.startedAt === 0) && result.exitCode !== ExitCode.SetupTimeout;

    // final thresholds, then the summary (k6 evaluates once more at the end)
    let breached: string[] = [];
    let unmatched: string[] = [];
    if (thresholds) {
      const r = thresholds.evaluate(result.durationMs, { final: true });
      for (const err of r.errors) logger.error('Threshold error', { metric: err.metric, error: err.message });
      breached = r.breached;
      // k6 passes a threshold over an empty sink; asked, the harness does not (docs/gates.md)
      if (failOnUnmatched(flags, ctx.env) && ran) unmatched = r.noSamples;
    }
    // disabled: no text, no handleSummary() and no --summary-export file, as k6 (flags.ts summaryEnabled)
    if (ran && summaryEnabled(options.noSummary, summaryMode)) {
      try {
        await writeSummary(loaded, result, ctx, logger, { mode: summaryMode, collector, machineReadable, merged });
      } catch (e) {
        logger.error((e as Error).message);
      }
    }
    if (!flags.quiet) progress.finish();
    if (breached.length) {
      // after an abortOnFail stop k6 has said it already ("were crossed; ... stopping test prematurely")
      if (result.stopCause?.kind !== 'thresholds') logger.error(thresholdsCrossedMessage(breached));
      if (exitCode === ExitCode.Ok) exitCode = ExitCode.ThresholdsFailed;
    }
    if (unmatched.length) {
      const outcomes = thresholds!.outcomes();
      for (const name of unmatched) {
        const sources = outcomes.filter((o) => o.metric === name).map((o) => o.source);
        logger.error(unmatchedThresholdMessage(name, sources, 'it passes without --fail-on-unmatched-thresholds, as in k6'));
      }
      if (exitCode === ExitCode.Ok) exitCode = ExitCode.ThresholdsFailed;
    }
    return exitCode;
  } finally {
    await stopOutputs(outputs).catch((e) => logger.error(`stopping outputs: ${(e as Error).message}`));
    closeAggregates();
    await log.close();
    stats.write();
  }
}

/**
 * `--summary-mode` wins over K6_SUMMARY_MODE. The default is `compact`, as in k6 v1/v2 (where v2
 * changed a behaviour the engine follows v2); `legacy` (k6 v0.48's text, k6 v1.0-v1.2's mode of
 * that name) is what the v0.48 conformance recordings are compared with. `disabled` is k6 v2's
 * replacement of `--no-summary` (which the engine still takes, as v0.48 and v1 do).
 */
function summaryModeOf(flags: RunFlags, env: IoContext['env'], problems: string[]): SummaryMode {
  if (flags.summaryMode) return flags.summaryMode;
  const e = env.K6_SUMMARY_MODE;
  if (e === undefined || e === '') return 'compact';
  if ((SUMMARY_MODES as readonly string[]).includes(e)) return e as SummaryMode;
  problems.push(`K6_SUMMARY_MODE: invalid summary mode "${e}"; valid: ${SUMMARY_MODES.join(', ')}`);
  return 'compact';
}

/** `--new-machine-readable-summary[=false]` wins over K6_NEW_MACHINE_READABLE_SUMMARY; off by default (k6 v1.4.2 - v2.2). */
function machineReadableOf(flags: RunFlags, env: IoContext['env'], problems: string[]): boolean {
  if (flags.newMachineReadableSummary !== undefined) return flags.newMachineReadableSummary;
  const e = env.K6_NEW_MACHINE_READABLE_SUMMARY;
  if (e === undefined || e === '') return false;
  // k6 parses it with strconv.ParseBool
  if (/^(1|t|T|TRUE|true|True)$/.test(e)) return true;
  if (/^(0|f|F|FALSE|false|False)$/.test(e)) return false;
  problems.push(`K6_NEW_MACHINE_READABLE_SUMMARY: invalid boolean "${e}"`);
  return false;
}

/** `--fail-on-unmatched-thresholds[=false]` wins over HARNESS_K6_FAIL_ON_UNMATCHED_THRESHOLDS; off by default (k6's behaviour). */
function failOnUnmatched(flags: RunFlags, env: IoContext['env']): boolean {
  return flags.failOnUnmatchedThresholds ?? /^(1|true|yes|on)$/i.test(env.HARNESS_K6_FAIL_ON_UNMATCHED_THRESHOLDS ?? '');
}

interface SummaryRequest {
  mode: SummaryMode;
  collector?: SummaryCollector;
  /** k6's machine-readable summary for handleSummary and --summary-export (v1/v2 modes only, as in k6). */
  machineReadable?: boolean;
  /**
   * The metrics and groups of every runner (`--lifecycle-for`), in place of this instance's own
   * (the collector then comes from the merged stream; checks in the tree's order).
   */
  merged?: MergedSummaryMessage;
}

/** handleSummary(data) (or k6's default text) and `--summary-export`. */
async function writeSummary(l: Loaded, result: ExecutionResult, ctx: IoContext, logger: RuntimeOptions['logger'], req: SummaryRequest): Promise<void> {
  const own = buildSummaryData({
    engine: l.engine,
    thresholds: l.thresholds,
    testRunDurationMs: result.durationMs,
    setupData: result.setupData,
    hasSetupData: l.runtime.exports.functions.includes('setup'),
    summaryTrendStats: l.options.summaryTrendStats,
    summaryTimeUnit: l.options.summaryTimeUnit,
    noColor: l.flags.noColor,
    isStdOutTTY: ctx.isTTY,
    isStdErrTTY: false,
  });
  const data: SummaryData = req.merged ? { ...own, metrics: req.merged.metrics, root_group: req.merged.root_group } : own;
  const textMode = req.mode === 'full' ? 'full' : req.mode === 'legacy' ? 'legacy' : 'compact';
  const merged = req.merged;
  const report =
    textMode === 'legacy'
      ? undefined
      : buildSummaryReport({
          data,
          mode: textMode,
          collector: req.collector,
          checksInOrder: merged ? undefined : l.engine.groups.checksInOrder(),
          percentile: merged ? (metric, p) => merged.percentiles?.[metric]?.[String(p)] : percentileOf(l.engine),
        });
  const machineReadable =
    report && req.machineReadable
      ? buildMachineReadableSummary(report, {
          script: scriptSource(resolve(ctx.cwd, l.flags.script!)),
          k6Version: K6_COMPAT_VERSION.replace(/^v/, ''),
          testRunDurationMs: result.durationMs,
          generatedAtMs: Date.now(),
        })
      : undefined;
  let custom: Record<string, string> | undefined;
  if (l.runtime.exports.functions.includes('handleSummary')) {
    const vu = await l.runtime.newLifecycleVU(l.runtimeOptions);
    try {
      custom = await vu.runHandleSummary(machineReadable ?? data);
    } catch (e) {
      logger.error(`failed to handle the end-of-test summary: ${(e as Error).message}`);
    } finally {
      await vu.dispose();
    }
  }
  const res = summaryResult({ data, handleSummaryResult: custom, summaryExportPath: l.flags.summaryExport, enableColors: ctx.isTTY && !l.flags.noColor, mode: textMode, report, machineReadable });
  // handleSummary's own texts, setup_data and the script source included
  for (const [k, v] of Object.entries(res)) if (typeof v === 'string') res[k] = l.secrets.redact(v);
  await writeSummaryResult(res, ctx);
}

/** A trend's percentile from the engine's sink (the thresholds section shows `p(N)` outside summaryTrendStats, as k6). */
function percentileOf(engine: MetricsEngine): (metric: string, p: number) => number | undefined {
  return (metric, p) => {
    const s = engine.observedMetrics().find((m) => m.name === metric)?.sink;
    return s && s.type === 'trend' && !s.isEmpty() ? s.p(p) : undefined;
  };
}

function scriptSource(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function logError(result: ExecutionResult, logger: RuntimeOptions['logger']): void {
  const e = result.error!;
  // thresholds, abort and script exceptions are logged by their owners or below, like k6 does
  if (result.stopCause?.kind === 'thresholds') logger.error(e.message);
  else if (result.stopCause?.kind === 'script') logger.error(e.message);
  else if (result.stopCause?.kind === 'signal') logger.warn(e.message);
  else logger.error(isHarnessError(e) && e.hint ? `${e.message} (hint: ${e.hint})` : e.message);
}

function fail(e: unknown, ctx: IoContext, logger: RuntimeOptions['logger']): number {
  const err = asScriptError(e);
  if (err instanceof InvalidConfigError) ctx.stderr.write(`${formatError(err)}\n`);
  else logger.error(err.message, isHarnessError(err) && err.hint ? { hint: err.hint } : undefined);
  return isHarnessError(err) ? err.exitCode : ExitCode.ScriptException;
}

/** Load errors that are not HarnessErrors (ScriptLoadError, syntax errors) are script exceptions (107). */
function asScriptError(e: unknown): Error {
  if (isHarnessError(e)) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  const loc = (err as { location?: string }).location;
  return new HarnessError(loc && !err.message.includes(loc) ? `${err.message}\n\tat ${loc}` : err.message, { exitCode: ExitCode.ScriptException, cause: err });
}

async function inspectCommand(argv: string[], ctx: IoContext): Promise<number> {
  try {
    const l = await load(argv, ctx, null);
    const o = l.options;
    const out = {
      scenarios: Object.fromEntries(o.scenarios.map((s) => [s.name, s])),
      thresholds: o.thresholds,
      tags: o.tags,
      setupTimeout: o.setupTimeout,
      teardownTimeout: o.teardownTimeout,
      summaryTrendStats: o.summaryTrendStats,
    };
    ctx.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return ExitCode.Ok;
  } catch (e) {
    ctx.stderr.write(`${formatError(asScriptError(e))}\n`);
    return isHarnessError(e) ? e.exitCode : ExitCode.ScriptException;
  }
}

/** For the engine benchmark: CPU time and peak RSS of this process, written at exit when asked. */
function statsRecorder(file: string | undefined) {
  const cpu0 = process.cpuUsage();
  let cpuAtStart = { user: 0, system: 0 };
  let runStartedMs = 0;
  let vus = 0;
  let iterations = 0;
  return {
    started() {
      cpuAtStart = process.cpuUsage(cpu0);
    },
    ran(s: Scheduler) {
      // ms since the process started: module loading, script load and VU init included
      runStartedMs = s.startedAt ? s.startedAt - performance.timeOrigin : 0;
      vus = s.vusMax;
      iterations = s.iterationsCompleted;
    },
    write() {
      if (!file) return;
      const cpu = process.cpuUsage(cpu0);
      let hwmKiB = 0;
      try {
        hwmKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
      } catch {}
      writeFileSync(
        file,
        JSON.stringify({ cpuUserUs: cpu.user, cpuSystemUs: cpu.system, cpuRunUs: cpu.user + cpu.system - cpuAtStart.user - cpuAtStart.system, peakRssKiB: hwmKiB, startupMs: runStartedMs, vusMax: vus, iterations }),
      );
    },
  };
}

/**
 * `HARNESS_K6_REALMS=isolated`: a realm per VU even when the script could share one (an escape
 * hatch; see docs/engine-runtime.md, "Realms").
 */
function realmsFrom(env: IoContext['env'], problems: string[]): 'auto' | 'isolated' {
  const v = env.HARNESS_K6_REALMS;
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  if (v === 'isolated') return 'isolated';
  problems.push(`HARNESS_K6_REALMS=${v}: must be auto or isolated`);
  return 'auto';
}

function harnessVersion(): string {
  try {
    return JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
