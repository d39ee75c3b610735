import { ExecutionTuple, SegmentedIndex } from '../../../vocabulary';
import { ExitCode, HarnessError, isHarnessError } from '../../errors';
import { sleepUntil } from '../executors/helpers';
import type { Executor, ScenarioRunContext, ScenarioVU } from '../executors/types';
import type { K6Options } from '../options/types';
import type { InstanceInfo, IterationContext, LifecycleVU, Logger, RuntimeOptions, SampleSink, ScenarioInfo, ScriptRuntime, Tags } from '../types';
import { planExecution, type ExecutionPlan } from './plan';
import type { ExecutionResult, LiveThresholds, StopCause } from './types';
import { BufferedVU, VUBuffer } from './vu-buffer';

export interface SchedulerDeps {
  runtime: ScriptRuntime;
  /** Passed to every `newVU`; its `sink` receives the scheduler's samples too. */
  runtimeOptions: RuntimeOptions;
  options: K6Options;
  executors: Executor[];
  logger: Logger;
  /** External abort (SIGINT/SIGTERM): graceful stop, teardown, exit 105. */
  signal?: AbortSignal;
  thresholds?: LiveThresholds;
  /** How often `vus`/`vus_max` are sampled (k6: 1 s) and abortOnFail thresholds checked (k6: 2 s). */
  gaugeIntervalMs?: number;
  thresholdIntervalMs?: number;
  now?: () => number;
  /** Called when the test clock starts (after VU init, before setup): start the progress line here. */
  onStart?: () => void;
  /** k6's `--no-setup` / `--no-teardown`. */
  noSetup?: boolean;
  noTeardown?: boolean;
  /**
   * Replaces setup(): the data another instance's setup() returned (`--setup-from`, runners of one
   * test); undefined when setup failed there, and then this instance ends at once, running nothing.
   */
  setupData?: (signal: AbortSignal) => Promise<{ data: unknown } | undefined>;
  /** After setup() returned, before the scenarios (`--lifecycle-for` hands the data to the runners). */
  afterSetup?: (data: unknown) => Promise<void>;
  /**
   * Awaited beside the scenarios, and not cut short by a stop (`--lifecycle-for` waits for its
   * runners here, so teardown() runs once they all ended, however they were stopped).
   */
  alongsideScenarios?: () => Promise<void>;
  /** vus/vus_max samples every second (default true; an instance without VUs has none to report). */
  gauges?: boolean;
}

/** Live counters the progress line and `k6/execution` read. */
export interface SchedulerState {
  readonly startedAt: number;
  readonly vusActive: number;
  readonly vusMax: number;
  readonly iterationsCompleted: number;
  readonly iterationsInterrupted: number;
  readonly phase: 'init' | 'setup' | 'running' | 'teardown' | 'done';
  readonly stopCause: StopCause | undefined;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * Runs one test: initialise VUs → setup() → scenarios (each at its startTime, concurrently) →
 * teardown(). Owns the VU buffer, the test-wide stop signal, the per-iteration metrics
 * (data_sent, data_received, iteration_duration, iterations) and the vus/vus_max gauges.
 *
 *   init VUs ─▶ setup (timeout→100) ─▶ scenarios ─┬─ end on their own
 *                                                 └─ test.abort (108) / SIGINT (105) / abortOnFail (99):
 *                                                    testStop aborts every in-flight iteration
 *              ─▶ teardown (timeout→101) ─▶ result
 */
export class Scheduler implements SchedulerState {
  readonly plan: ExecutionPlan;
  private readonly testStop = new AbortController();
  private readonly buffer: VUBuffer;
  private readonly now: () => number;
  startedAt = 0;
  vusActive = 0;
  vusMax = 0;
  iterationsCompleted = 0;
  iterationsInterrupted = 0;
  phase: SchedulerState['phase'] = 'init';
  stopCause: StopCause | undefined;
  private setupData: unknown = undefined;
  private readonly instance: InstanceInfo;
  private lastYield = 0;

  constructor(private readonly deps: SchedulerDeps) {
    this.now = deps.now ?? now;
    this.plan = planExecution(deps.executors);
    // k6's GetUniqueVUIdentifiers: __VU counts this instance's VUs, idInTest walks its stripe
    const vuIds = new SegmentedIndex(deps.options.executionTuple ?? ExecutionTuple.FULL);
    this.buffer = new VUBuffer(
      (id) => deps.runtime.newVU(id, deps.runtimeOptions),
      (n) => {
        this.vusMax = n;
      },
      () => vuIds.next().unscaled,
    );
    const self = this;
    this.instance = {
      get iterationsCompleted() {
        return self.iterationsCompleted;
      },
      get iterationsInterrupted() {
        return self.iterationsInterrupted;
      },
      get vusActive() {
        return self.vusActive;
      },
      get vusInitialized() {
        return self.vusMax;
      },
      get currentTestRunDuration() {
        return self.startedAt ? self.now() - self.startedAt : 0;
      },
    };
  }

  /** Stops the whole test now; the first cause wins. */
  stop(cause: StopCause): void {
    if (this.stopCause) return;
    this.stopCause = cause;
    this.testStop.abort();
  }

  get stopped(): boolean {
    return this.testStop.signal.aborted;
  }

  async run(): Promise<ExecutionResult> {
    const d = this.deps;
    const onSignal = () => this.stop({ kind: 'signal' });
    if (d.signal?.aborted) onSignal();
    d.signal?.addEventListener('abort', onSignal, { once: true });
    let lifecycle: LifecycleVU | undefined;
    const timers: NodeJS.Timeout[] = [];
    try {
      // init: every planned VU before the clock starts (k6 does the same)
      try {
        await this.buffer.init(this.plan.plannedVUs, 8, this.testStop.signal);
        lifecycle = await d.runtime.newLifecycleVU(d.runtimeOptions);
      } catch (e) {
        return this.result(codeOf(e), asError(e));
      }
      if (this.stopped) return this.result(this.exitCodeForStop());

      this.startedAt = this.now();
      d.onStart?.();
      if (d.gauges !== false) timers.push(setInterval(() => this.emitGauges(), d.gaugeIntervalMs ?? 1000));
      if (d.thresholds) timers.push(setInterval(() => this.checkThresholds(), d.thresholdIntervalMs ?? 2000));

      // setup
      this.phase = 'setup';
      if (d.setupData) {
        const given = await d.setupData(this.testStop.signal).catch(() => 'stopped' as const);
        if (given === 'stopped') return await this.finishAfterStop(lifecycle);
        if (!given) return this.result(ExitCode.Ok);
        this.setupData = given.data;
        return await this.runScenarios(lifecycle);
      }
      const setup = d.noSetup
        ? { kind: 'ok' as const, value: undefined }
        : await withTimeout(
            (signal) => lifecycle!.runSetup(this.lifecycleContext(signal)),
            d.options.setupTimeout,
            this.testStop.signal,
          );
      if (setup.kind === 'timeout') {
        return this.result(
          ExitCode.SetupTimeout,
          new HarnessError(`setup() execution timed out after ${fmtSeconds(d.options.setupTimeout)} seconds`, {
            exitCode: ExitCode.SetupTimeout,
            hint: 'You can increase the time limit via the setupTimeout option',
          }),
        );
      }
      if (setup.kind === 'error') {
        const code = codeOf(setup.error);
        if (code === ExitCode.ScriptAborted) this.stop({ kind: 'script', reason: abortReason(setup.error) });
        if (this.stopped) return this.finishAfterStop(lifecycle);
        return this.result(code, setup.error);
      }
      this.setupData = setup.value;
      await d.afterSetup?.(this.setupData);
      return await this.runScenarios(lifecycle);
    } finally {
      for (const t of timers) clearInterval(t);
      d.signal?.removeEventListener('abort', onSignal);
      this.phase = 'done';
      await Promise.allSettled([this.buffer.disposeAll(), lifecycle?.dispose()]);
    }
  }

  private async runScenarios(lifecycle: LifecycleVU): Promise<ExecutionResult> {
    this.phase = 'running';
    const scenariosStart = this.now();
    await Promise.all([...this.plan.executors.map((ex) => this.runScenario(ex, scenariosStart)), this.deps.alongsideScenarios?.()]);
    return this.finishAfterStop(lifecycle);
  }

  /** Teardown (always, as k6 also does after test.abort and Ctrl-C; not with --no-teardown), then the result. */
  private async finishAfterStop(lifecycle: LifecycleVU): Promise<ExecutionResult> {
    this.phase = 'teardown';
    if (this.deps.noTeardown) return this.result(this.stopCause ? this.exitCodeForStop() : ExitCode.Ok);
    // teardown runs even when the test was stopped, so it gets its own signal
    const td = await withTimeout((signal) => lifecycle.runTeardown({ ...this.lifecycleContext(signal), data: this.setupData }), this.deps.options.teardownTimeout);
    if (td.kind === 'timeout') {
      return this.result(
        ExitCode.TeardownTimeout,
        new HarnessError(`teardown() execution timed out after ${fmtSeconds(this.deps.options.teardownTimeout)} seconds`, {
          exitCode: ExitCode.TeardownTimeout,
          hint: 'You can increase the time limit via the teardownTimeout option',
        }),
      );
    }
    if (td.kind === 'error' && codeOf(td.error) === ExitCode.ScriptAborted) this.stop({ kind: 'script', reason: abortReason(td.error) });
    if (this.stopCause) return this.result(this.exitCodeForStop());
    if (td.kind === 'error') return this.result(codeOf(td.error), td.error);
    return this.result(ExitCode.Ok);
  }

  private exitCodeForStop(): ExitCode {
    switch (this.stopCause?.kind) {
      case 'signal':
        return ExitCode.ExternalAbort;
      case 'script':
        return ExitCode.ScriptAborted;
      case 'thresholds':
        return ExitCode.ThresholdsFailed;
      case 'output':
        return ExitCode.GenericError;
      default:
        return ExitCode.Ok;
    }
  }

  private result(exitCode: ExitCode, error?: Error): ExecutionResult {
    const cause = this.stopCause;
    if (!error && cause?.kind === 'script') error = new HarnessError(`test aborted: ${cause.reason}`, { exitCode: ExitCode.ScriptAborted });
    if (!error && cause?.kind === 'signal') error = new HarnessError('test run was aborted (SIGINT/SIGTERM); stopped gracefully', { exitCode: ExitCode.ExternalAbort });
    if (!error && cause?.kind === 'thresholds')
      error = new HarnessError(`thresholds on metrics '${cause.metrics.join(', ')}' were crossed; at least one has abortOnFail enabled, stopping test prematurely`, {
        exitCode: ExitCode.ThresholdsFailed,
      });
    return {
      exitCode,
      error,
      stopCause: cause,
      setupData: this.setupData,
      startedAt: this.startedAt,
      durationMs: this.startedAt ? this.now() - this.startedAt : 0,
      iterationsCompleted: this.iterationsCompleted,
      iterationsInterrupted: this.iterationsInterrupted,
      vusMax: this.vusMax,
    };
  }

  private lifecycleContext(signal: AbortSignal) {
    const d = this.deps;
    const scenario: ScenarioInfo = { name: '', executor: '', startTime: this.startedAt, progress: 0, iterationInInstance: 0, iterationInTest: 0 };
    return { scenario, instance: this.instance, env: d.runtimeOptions.env, tags: { ...d.runtimeOptions.tags }, signal };
  }

  private emitGauges(): void {
    const t = this.now();
    const tags = { ...this.deps.runtimeOptions.tags };
    this.deps.runtimeOptions.sink.push({ metric: 'vus', time: t, value: this.vusActive, tags });
    this.deps.runtimeOptions.sink.push({ metric: 'vus_max', time: t, value: this.vusMax, tags: { ...tags } });
  }

  private checkThresholds(): void {
    if (this.phase !== 'running' || !this.deps.thresholds) return;
    const failing = this.deps.thresholds.abortingMetrics(this.now() - this.startedAt);
    if (failing.length) this.stop({ kind: 'thresholds', metrics: failing });
  }

  /** `scenariosStart`: the end of setup(); k6 counts each scenario's startTime from there. */
  private async runScenario(ex: Executor, scenariosStart: number): Promise<void> {
    if (ex.config.startTime > 0) await sleepUntil(scenariosStart + ex.config.startTime, this.now, this.testStop.signal);
    if (this.stopped) return;
    await ex.run(this.scenarioContext(ex));
  }

  private scenarioContext(ex: Executor): ScenarioRunContext {
    const d = this.deps;
    const c = ex.config;
    const sys = new Set(d.runtimeOptions.systemTags);
    const tags: Tags = { ...d.runtimeOptions.tags, ...c.tags };
    if (sys.has('scenario')) tags.scenario = c.name;
    const iterTags: Tags = Object.freeze(sys.has('group') ? { ...tags, group: '' } : { ...tags });
    const env = { ...d.runtimeOptions.env, ...c.env };
    const scenarioStart = this.now();
    const scenarioView: ScenarioView = { name: c.name, executor: c.executor, startTime: scenarioStart, progress: () => ex.progress(this.now()).fraction };
    // k6's per-scenario iteration numbers: 0.. in this instance, the stripe's indices in the test
    const iterIndex = new SegmentedIndex(ex.iterationTuple);
    const sink: SampleSink = d.runtimeOptions.sink;
    return {
      now: this.now,
      testStop: this.testStop.signal,
      getVU: () => this.buffer.get(),
      initUnplannedVU: () => this.buffer.getNew(),
      returnVU: (vu) => this.buffer.put(vu as BufferedVU),
      activate: (n = 1) => {
        this.vusActive += n;
      },
      deactivate: (n = 1) => {
        this.vusActive -= n;
      },
      dropIteration: () => {
        sink.push({ metric: 'dropped_iterations', time: this.now(), value: 1, tags: { ...tags } });
      },
      runIteration: async (handle: ScenarioVU, signal: AbortSignal): Promise<boolean> => {
        const vu = handle as BufferedVU;
        if (signal.aborted || this.stopped) return false;
        const iterInScenario = vu.iterationsInScenario.get(c.name) ?? 0;
        vu.iterationsInScenario.set(c.name, iterInScenario + 1);
        const n = iterIndex.next();
        const scenario: ScenarioInfo = new IterationScenario(scenarioView, n.scaled - 1, n.unscaled - 1);
        const ctx: IterationContext = {
          exec: c.exec,
          scenario,
          instance: this.instance,
          env,
          tags,
          iteration: iterInScenario,
          vuIterationInInstance: vu.iterationInInstance++,
          vuIdInTest: vu.idInTest,
          signal,
          data: this.setupData,
        };
        const t0 = this.now();
        let outcome;
        try {
          outcome = await vu.vu.runIteration(ctx);
        } catch (e) {
          // a runtime bug rather than a script error; count it like k6 counts exceptions
          d.logger.error(asError(e).message);
          outcome = { status: 'failed' as const, durationMs: this.now() - t0, bytesSent: 0, bytesReceived: 0, error: asError(e) };
        }
        const t = this.now();
        // k6 counts the iteration that calls exec.test.abort() as a full one (its context is not done yet)
        const full = outcome.status !== 'interrupted';
        // one shared tag object: samples are read-only once pushed
        sink.push({ metric: 'data_sent', time: t, value: outcome.bytesSent, tags: iterTags });
        sink.push({ metric: 'data_received', time: t, value: outcome.bytesReceived, tags: iterTags });
        if (full) {
          sink.push({ metric: 'iteration_duration', time: t, value: outcome.durationMs, tags: iterTags });
          sink.push({ metric: 'iterations', time: t, value: 1, tags: iterTags });
          this.iterationsCompleted++;
        } else this.iterationsInterrupted++;
        if (outcome.status === 'aborted') this.stop({ kind: 'script', reason: outcome.reason });
        // a script without real I/O resolves on microtasks only: let timers (ends, progress) run
        if (t - this.lastYield > 20) {
          this.lastYield = t;
          await new Promise((r) => setImmediate(r));
        }
        return full;
      },
    };
  }
}

/** What every iteration's ScenarioInfo of one scenario shares. */
interface ScenarioView {
  readonly name: string;
  readonly executor: string;
  readonly startTime: number;
  progress(): number;
}

/** `exec.scenario` of one iteration: a class, so an iteration allocates no getter closure. */
class IterationScenario implements ScenarioInfo {
  constructor(
    private readonly view: ScenarioView,
    readonly iterationInInstance: number,
    readonly iterationInTest: number,
  ) {}
  get name(): string {
    return this.view.name;
  }
  get executor(): string {
    return this.view.executor;
  }
  get startTime(): number {
    return this.view.startTime;
  }
  get progress(): number {
    return this.view.progress();
  }
}

type Timed<T> = { kind: 'ok'; value: T } | { kind: 'error'; error: Error } | { kind: 'timeout' };

async function withTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, ms: number, outer?: AbortSignal): Promise<Timed<T>> {
  const ctrl = new AbortController();
  const onOuter = () => ctrl.abort();
  outer?.addEventListener('abort', onOuter, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Timed<T>>((resolve) => {
    timer = setTimeout(() => {
      ctrl.abort();
      resolve({ kind: 'timeout' });
    }, ms);
  });
  try {
    return await Promise.race([
      fn(ctrl.signal).then(
        (value) => ({ kind: 'ok' as const, value }),
        (e) => ({ kind: 'error' as const, error: asError(e) }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter);
  }
}

/** Exit code of an error from the runtime: its own when it is a HarnessError, else a script exception. */
function codeOf(e: unknown): ExitCode {
  return isHarnessError(e) ? e.exitCode : ExitCode.ScriptException;
}

function abortReason(e: Error): string {
  return (e as { reason?: string }).reason ?? e.message.replace(/^test aborted: /, '');
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function fmtSeconds(ms: number): string {
  return (ms / 1000).toFixed(0);
}
