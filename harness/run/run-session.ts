import { CpuContentionMeter } from './cpu-contention';
import { randomInt } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Writable } from 'node:stream';
import { parseThresholdsConfig } from '../../vocabulary';
import { redactConfig, type HarnessConfig } from '../config';
import { engineSummaryEnabled, type EngineProgress, type EngineRunArgs } from '../engines';
import { AbortedError, ExitCode, exitCodeOf, formatError, isHarnessError } from '../errors';
import type { IoContext } from '../io';
import type { RuntimeRegistry, StartedTargetStack } from '../runtimes';
import { TargetFileWriter, TargetSampler, type TargetFeed } from '../target-sampling';
import { hostFacts } from './host-facts';
import { LiveStats } from './live-stats';
import { wantsSamples, type RunOutput, type RunOutputContext } from './outputs';
import { reportOutput } from './report-output';
import type { EngineOutcome, RunEngine } from './run-engine';
import { RunScope } from './run-scope';
import { startStack } from './start-stack';
import { summaryWithoutExport } from './summary-without-export';
import { readUpStates, upStateFile, writeUpStates, type UpState } from './up-state';

export interface RunSessionOptions {
  ctx: IoContext;
  config: HarnessConfig;
  /** In the run id (`<time>-<label>-<hex>`): the scenario, `chaos-<experiment>`, `up`. */
  label: string;
  /** run.json fields known up front (`kind`, `scenario`, `experiment`, ...). */
  info?: Record<string, unknown>;
  /** Default: `config.run.seed`, else random. */
  seed?: number;
  /** Tests: a fixed run id, no watchdog, another runtime registry. */
  runId?: string;
  watchdog?: boolean;
  runtimes?: RuntimeRegistry;
  /** `--out`, checked (`checkOutputs`); their hooks are the session's plug points. */
  outputs?: RunOutput[];
  /** report.html, junit.xml and summary.md in the run directory after the run (default true). */
  report?: boolean;
  /** The verdict line on stdout; without it none is printed (`harness up` prints its own). */
  verdict?: (code: number, shownDir: string) => string;
  /** Printed before teardown (default `tearing down ...`). */
  tearingDown?: string;
}

/** What `finish` was told: the middle step's exit code, or what it threw. */
export type RunEnd = { code: number } | { error: unknown };

export interface FinishedRun {
  readonly code: number;
  readonly runId: string;
  readonly runDir: string;
  /** The run directory relative to cwd (as printed). */
  readonly shownDir: string;
}

/**
 * One run, from its directory to its exit code: `harness run`, `harness chaos` (once per
 * experiment) and `harness up` open one and supply only their middle step.
 *
 *   RunSession.open ─▶ run dir, pids.json, watchdog, teardown stack; config.json, seed, run.json
 *     │ compile(scenario) ─▶ <run>/script.js, thresholds.json
 *     │ startStack() ─▶ StartedRunSession ─▶ runtime up (teardown registered, or kept for `up`)
 *     │     └ engine(e) ─▶ EngineStep.run() ─▶ outputs.onEngineStart, pid in pids.json, live stats,
 *     │                                        outputs.onSamplesFile
 *     ▼
 *   finish(code | error) ─▶ exit-code rules ─▶ teardown ─▶ outputs.afterRun (may re-code)
 *                        ─▶ samples.ndjson.gz, target.ndjson.gz ─▶ run.json (finishedAt, exitCode), exit-code file ─▶ verdict line
 *
 * Exit code rules (here only): a thrown error maps through `exitCodeOf`, except that once the
 * signal fired every failure but InvalidConfig is ExternalAbort (105); a clean 0 after the
 * signal is 105 too. `finish` never throws and runs once (later calls return the first result).
 */
export class RunSession {
  /** run.json: commands add their fields (`verdict`, `problems`, ...) before `finish`. */
  readonly info: Record<string, unknown>;
  readonly seed: number;
  readonly outputs: readonly RunOutput[];
  #started: StartedRunSession | undefined;
  #finished: Promise<FinishedRun> | undefined;
  #keptStack = false;
  /** The Grafana of a `harness up --observability` stack whose InfluxDB this run writes to. */
  #grafanaUrl: string | undefined;

  private constructor(
    readonly scope: RunScope,
    readonly ctx: IoContext,
    readonly config: HarnessConfig,
    private readonly o: RunSessionOptions,
    seed: number,
  ) {
    this.seed = seed;
    // the report runs last: it shows the verdict after every other output (a gate) had its say
    this.outputs = [...(o.outputs ?? []), ...(o.report === false ? [] : [reportOutput()])];
    this.info = { runId: scope.runId, ...o.info, seed, startedAt: new Date().toISOString(), ...hostFacts(o.ctx.cwd) };
  }

  /** Creates the run directory and scope and writes config.json, seed and a first run.json. */
  static async open(o: RunSessionOptions): Promise<RunSession> {
    const say = (l: string) => o.ctx.stderr.write(`${l}\n`);
    const seed = o.seed ?? o.config.run.seed ?? randomInt(1, 2 ** 31 - 1);
    const scope = await RunScope.create({ cwd: o.ctx.cwd, reportsDir: o.config.reportsDir, label: o.label, runId: o.runId, signal: o.ctx.signal, log: say, watchdog: o.watchdog });
    const session = new RunSession(scope, o.ctx, o.config, o, seed);
    try {
      session.#grafanaUrl = await observabilityGrafana(o.ctx, o.config);
      await scope.dir.writeJson(scope.dir.configJson, redactConfig(o.config));
      await scope.dir.writeSeed(seed);
      await session.writeRunJson();
    } catch (e) {
      await scope.close();
      throw e;
    }
    return session;
  }

  /** open ─▶ middle ─▶ finish: what every command does. */
  static async run(o: RunSessionOptions, middle: (session: RunSession) => Promise<number>): Promise<FinishedRun> {
    const session = await RunSession.open(o);
    let end: RunEnd;
    try {
      end = { code: await middle(session) };
    } catch (error) {
      end = { error };
    }
    return session.finish(end);
  }

  get runId(): string {
    return this.scope.runId;
  }
  get dir() {
    return this.scope.dir;
  }
  /** The run directory as printed: relative to cwd. */
  get shownDir(): string {
    return relative(this.ctx.cwd, this.dir.path) || this.dir.path;
  }
  get started(): StartedRunSession | undefined {
    return this.#started;
  }

  say(line: string): void {
    this.ctx.stderr.write(`${line}\n`);
  }

  /** A log file in `<run>/logs/`, closed at teardown. */
  logStream(component: string): Writable {
    const s = createWriteStream(this.dir.log(component));
    this.scope.defer(() => new Promise<void>((r) => s.end(() => r())), `${component} log`);
    return s;
  }

  /**
   * Compiles the scenario into `<run>/script.js` (validation: nothing is started yet), and writes
   * the thresholds it declares as literals into `<run>/thresholds.json` (what the engine will
   * enforce, with abortOnFail: the report's source for submetrics, which k6 writes on no Metric line).
   */
  async compile(scenarioPath: string): Promise<{ readsHarnessOverrides: boolean; scriptPath: string }> {
    const { compileScenario, scriptThresholds } = await import('../build');
    const compiled = await compileScenario(scenarioPath, { outDir: this.dir.path, cwd: this.ctx.cwd });
    await copyFile(compiled.bundlePath, this.dir.script);
    if (compiled.bundlePath !== this.dir.script) await rm(compiled.bundlePath, { force: true });
    const declared = declaredThresholds(scriptThresholds(await readFile(this.dir.script, 'utf8')));
    if (declared) await this.dir.writeJson(this.dir.thresholdsJson, declared);
    return { readsHarnessOverrides: compiled.readsHarnessOverrides, scriptPath: this.dir.script };
  }

  /**
   * Resolves the runtime and starts the target. `keep`: the stack outlives the session
   * (`harness up`, `run --keep-up`): no teardown is registered and it is recorded in
   * `reports/.harness-up.json` for `harness down` (with `upState`'s fields).
   */
  async startStack(o: { keep?: boolean; upState?: Pick<UpState, 'observability'> } = {}): Promise<StartedRunSession> {
    if (this.ctx.signal.aborted) throw new AbortedError('interrupted before the stack started');
    const stack = await startStack({
      config: this.config,
      scope: this.scope,
      cwd: this.ctx.cwd,
      env: this.ctx.env,
      log: (l) => this.say(`  ${l}`),
      seed: this.seed,
      registry: this.o.runtimes,
      teardown: !o.keep,
    });
    Object.assign(this.info, { runtime: stack.runtime, targetUrl: stack.targetUrl, toxiproxy: stack.toxiproxy });
    if (o.keep) {
      // A kept stack that `harness down` cannot find would be a leak: stop it if recording fails.
      try {
        const file = upStateFile(this.ctx.cwd, this.config.reportsDir);
        const states = await readUpStates(file);
        states.push({ runId: this.runId, runDir: this.dir.path, runtime: stack.runtime, targetUrl: stack.targetUrl, gatewayUrl: stack.gatewayUrl, redisUrl: stack.redisUrl, toxiproxy: stack.toxiproxy, startedAt: String(this.info.startedAt), ...o.upState });
        await writeUpStates(file, states);
      } catch (e) {
        await stack.stop().catch((stopError: unknown) => this.say(`could not stop the stack: ${formatError(stopError)}`));
        throw e;
      }
      this.#keptStack = true;
    }
    await this.writeRunJson();
    this.#started = new StartedRunSession(this, stack);
    return this.#started;
  }

  /** The exit code of a thrown error under the session's rules. */
  codeOf(error: unknown): number {
    return this.ctx.signal.aborted && !(isHarnessError(error) && error.exitCode === ExitCode.InvalidConfig) ? ExitCode.ExternalAbort : exitCodeOf(error);
  }

  /** Exit code, teardown, afterRun hooks, run.json, exit-code file, verdict line. Never throws; once. */
  finish(end: RunEnd): Promise<FinishedRun> {
    this.#finished ??= this.#finish(end);
    return this.#finished;
  }

  async #finish(end: RunEnd): Promise<FinishedRun> {
    let code: number;
    if ('error' in end) {
      code = this.codeOf(end.error);
      this.say(formatError(end.error));
    } else code = this.ctx.signal.aborted && end.code === ExitCode.Ok ? ExitCode.ExternalAbort : end.code;
    if (!this.scope.closed) {
      if (!this.#keptStack) this.say(this.o.tearingDown ?? 'tearing down ...');
      await this.scope.close();
    }
    for (const out of this.outputs) {
      if (!out.afterRun) continue;
      try {
        const next = await out.afterRun({ code, info: this.info }, this.outputContext());
        if (typeof next === 'number') code = next;
      } catch (e) {
        this.say(formatError(e));
        if (code === ExitCode.Ok || code === ExitCode.ThresholdsFailed) code = exitCodeOf(e);
      }
    }
    // every reader of the finished stream (reports, gates, `harness report`) reads .gz through
    // the vocabulary reader; in-run readers (live stats, chaos, outputs) saw the plain file
    await this.dir.compressSamples().catch((e) => this.say(`samples.ndjson left uncompressed: ${(e as Error).message}`));
    await this.dir.compressTarget().catch((e) => this.say(`target.ndjson left uncompressed: ${(e as Error).message}`));
    this.info.finishedAt = new Date().toISOString();
    this.info.exitCode = code;
    await this.writeRunJson().catch(() => {});
    await this.dir.writeExitCode(code).catch(() => {});
    if (this.o.verdict) this.ctx.stdout.write(`${this.o.verdict(code, this.shownDir)}\n`);
    return { code, runId: this.runId, runDir: this.dir.path, shownDir: this.shownDir };
  }

  /**
   * The middle step of a run whose samples come from elsewhere (`harness k8s merge`: runners that
   * ran in a cluster). Outputs see them as an engine step's (`onEngineStart`, the file written,
   * `onSamplesFile`), so the run gets the same report, InfluxDB stream, threshold coverage and
   * gate as a local one. `write` fills `samples.ndjson` and may write `summary.json`.
   */
  async importSamples<T>(source: string, write: (files: { samples: string; summary: string }) => Promise<T>): Promise<T> {
    this.info.engine = source;
    await this.writeRunJson();
    const ctx = this.outputContext();
    for (const out of this.outputs) await out.onEngineStart?.(this.dir.samples, ctx);
    const r = await write({ samples: this.dir.samples, summary: this.dir.summary });
    for (const out of this.outputs) await out.onSamplesFile?.(this.dir.samples, ctx);
    return r;
  }

  writeRunJson(): Promise<void> {
    return this.dir.writeJson(this.dir.runJson, this.info);
  }

  outputContext(): RunOutputContext {
    const env = this.#grafanaUrl && !this.ctx.env.GRAFANA_URL ? { ...this.ctx.env, GRAFANA_URL: this.#grafanaUrl } : this.ctx.env;
    return { runId: this.runId, runDir: this.dir.path, cwd: this.ctx.cwd, env, log: (l) => this.say(l) };
  }
}

/**
 * When GRAFANA_URL is unset and `harness up --observability` left a stack whose InfluxDB is the
 * configured one (the defaults are that stack's), its Grafana: the run's dashboard link is then
 * printed with no settings. Unreadable state means none.
 */
async function observabilityGrafana(ctx: IoContext, config: HarnessConfig): Promise<string | undefined> {
  if (ctx.env.GRAFANA_URL) return undefined;
  const states = await readUpStates(upStateFile(ctx.cwd, config.reportsDir)).catch(() => []);
  return states.find((s) => s.observability?.influxUrl === config.influxdb.url)?.observability?.grafanaUrl;
}

/**
 * The valid thresholds of a script's literal `thresholds` objects in k6's object form
 * (`{ key: [{ threshold, abortOnFail, delayAbortEval? }] }`), parsed by the vocabulary; undefined
 * when it declares none.
 */
function declaredThresholds(found: unknown[]): Record<string, Array<{ threshold: string; abortOnFail: boolean; delayAbortEval?: string }>> | undefined {
  const out: Record<string, Array<{ threshold: string; abortOnFail: boolean; delayAbortEval?: string }>> = {};
  for (const value of found) {
    for (const e of parseThresholdsConfig(value).config.entries) {
      const list = (out[e.key] ??= []);
      for (const t of e.thresholds) {
        if (list.some((x) => x.threshold === t.source)) continue;
        list.push({ threshold: t.source, abortOnFail: t.abortOnFail, ...(t.delayAbortEvalMs === undefined ? {} : { delayAbortEval: `${t.delayAbortEvalMs}ms` }) });
      }
    }
  }
  return Object.keys(out).length ? out : undefined;
}

/** Everything an engine run gets from the session (script, sample and summary paths are the session's). */
export interface EngineStepRequest {
  args: Omit<EngineRunArgs, 'outJsonPath' | 'summaryExportPath'>;
  /** Default: the session's signal. */
  signal?: AbortSignal;
  killTimeoutMs?: number;
  onProgress?: (p: EngineProgress) => void;
}

/** The session with its target running: the only state that can run an engine. */
export class StartedRunSession {
  #sampler: TargetSampler | undefined;

  constructor(
    readonly session: RunSession,
    readonly stack: StartedTargetStack,
  ) {}

  /**
   * The run's one target sampler, started with the first engine step and stopped at teardown
   * (before the stack): every second the gateway's /metrics and Redis INFO go to
   * `<run>/target.ndjson` (the report's target charts) and to every output that subscribes
   * (InfluxDB). None on the `external` runtime: that target is not ours to scrape.
   */
  targetFeed(): TargetFeed | undefined {
    if (this.stack.runtime === 'external') return undefined;
    if (this.#sampler) return this.#sampler;
    const sampler = new TargetSampler({ gatewayUrl: this.stack.gatewayUrl, redisUrl: this.stack.redisUrl });
    const file = new TargetFileWriter(this.session.dir.target);
    sampler.subscribe(file.write);
    this.session.scope.defer(async () => {
      await sampler.stop();
      file.close();
    }, 'target sampler');
    this.#sampler = sampler.start();
    return sampler;
  }

  /**
   * The engine step for `engine`, writing to `stdout`/`stderr` (default the session's streams;
   * chaos passes `logs/k6.log`). Chaos's background load runs through it too.
   */
  engine(engine: RunEngine, io: { stdout?: Writable; stderr?: Writable } = {}): EngineStep {
    return new EngineStep(this.session, engine, io, this);
  }
}

/**
 * One engine run inside a session: the compiled `script.js`, `--out json=samples.ndjson` (unless
 * `--out none`), `--summary-export summary.json`, the engine's pid in pids.json while it runs
 * (the watchdog and reap kill it if the harness dies), the live stats line, then every output's
 * `onSamplesFile`. Satisfies chaos's `LoadEngine`.
 */
export class EngineStep {
  readonly name: string;
  constructor(
    private readonly session: RunSession,
    private readonly engine: RunEngine,
    private readonly io: { stdout?: Writable; stderr?: Writable },
    private readonly started?: StartedRunSession,
  ) {
    this.name = engine.name;
  }

  get samplesFile(): string {
    return this.session.dir.samples;
  }

  async run(req: EngineStepRequest): Promise<EngineOutcome> {
    const s = this.session;
    const { dir, scope, ctx } = s;
    const samples = wantsSamples(s.outputs);
    s.info.engine = this.engine.name;
    if (this.engine.version) s.info.engineVersion = this.engine.version;
    await s.writeRunJson();
    // one pid per engine process (`--runners N` starts N), each in pids.json while it runs
    const pids: number[] = [];
    // Beside the engine's own progress line: req/s and errors from the sample stream (same for k6 and builtin).
    const live = samples ? new LiveStats({ path: dir.samples, write: (l) => s.say(l) }).start() : undefined;
    if (live) scope.defer(() => live.stop(), 'live stats');
    const stack = this.started?.stack;
    const target = stack && { runtime: stack.runtime, gatewayUrl: stack.gatewayUrl, redisUrl: stack.redisUrl, feed: this.started?.targetFeed() };
    if (samples) for (const out of s.outputs) await out.onEngineStart?.(dir.samples, { ...s.outputContext(), target });
    // the machine's load as the run's own processes felt it (the gate tells a busier machine from a slower tail by it)
    const contention = new CpuContentionMeter().start();
    let outcome: EngineOutcome;
    try {
      const r = await this.engine.run({
        scriptPath: dir.script,
        cwd: ctx.cwd,
        env: ctx.env,
        args: { ...req.args, outJsonPath: samples ? dir.samples : undefined, summaryExportPath: dir.summary },
        signal: req.signal ?? ctx.signal,
        killTimeoutMs: req.killTimeoutMs,
        stdout: this.io.stdout ?? ctx.stdout,
        stderr: this.io.stderr ?? ctx.stderr,
        onProgress: req.onProgress,
        onStart: (p) => {
          pids.push(p);
          void scope.pidFile.addProcess({ pid: p, component: 'k6', command: `${this.engine.name} run ${dir.script}`, group: true });
        },
      });
      outcome = typeof r === 'number' ? { exitCode: r } : r;
    } finally {
      live?.stop();
      for (const p of pids) await scope.pidFile.removeProcess(p);
      const c = contention.stop();
      if (c) {
        s.info.cpuContention = { waitPerCpu: round3(c.waitPerCpu), cpuSeconds: round3(c.cpuSeconds), waitSeconds: round3(c.waitSeconds) };
        await s.writeRunJson().catch(() => {});
      }
    }
    if (!engineSummaryEnabled(req.args, ctx.env)) {
      try {
        const inspect = this.engine.inspectThresholds;
        const inspectThresholds = inspect && (() => inspect.call(this.engine, { scriptPath: dir.script, cwd: ctx.cwd, env: ctx.env, args: req.args }));
        const note = await summaryWithoutExport({ samples: dir.samples, summary: dir.summary, thresholds: dir.thresholdsJson }, { inspectThresholds });
        if (note) {
          s.info.summaryNote = note;
          s.say(`  summary: ${note}`);
          await s.writeRunJson().catch(() => {});
        }
      } catch (e) {
        s.info.summaryNote = `the engine exported no summary (its end-of-test summary was disabled), and the harness could not compute one: ${(e as Error).message}`;
        s.say(`  summary: ${s.info.summaryNote}`);
      }
    }
    if (samples && existsSync(dir.samples)) for (const out of s.outputs) await out.onSamplesFile?.(dir.samples, s.outputContext());
    return outcome;
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
