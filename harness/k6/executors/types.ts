import type { ExecutionTuple } from '../../../vocabulary';
import type { Tags } from '../types';

/** Fields every scenario has (k6's BaseConfig), with k6's defaults applied. Times in ms. */
export interface BaseScenarioConfig {
  readonly name: string;
  readonly executor: string;
  /** Offset from the test start. Default 0. */
  readonly startTime: number;
  /** How long in-flight iterations may run past the regular end. Default 30 s. */
  readonly gracefulStop: number;
  /** Exported function each iteration calls. Default `default`. */
  readonly exec: string;
  /** `exec` was given explicitly (k6 then prints `exec: x` in the description). */
  readonly execExplicit: boolean;
  readonly env: Record<string, string>;
  readonly tags: Tags;
}

export interface Stage {
  /** ms */
  readonly duration: number;
  readonly target: number;
}

/** What a scenario needs from the VU buffer, for the header line and VU reuse across scenarios. */
export interface ExecutionRequirements {
  /** VUs initialised before the test starts (k6 "planned"). */
  plannedVUs: number;
  /** VUs the executor may initialise while running (arrival-rate `maxVUs - preAllocatedVUs`). */
  unplannedVUs: number;
  /** From the scenario's own start, including gracefulStop (k6 "max duration"). */
  maxDuration: number;
}

export interface ExecutorProgress {
  /** 0..1 */
  fraction: number;
  /** Columns right of the bar, k6-style (`3 VUs`, `00m01.0s/10m0s`, `9/9 shared iters`). */
  right: string[];
}

/** Opaque VU handle owned by the scheduler's buffer. */
export interface ScenarioVU {
  readonly id: number;
}

/**
 * What the scheduler hands an executor for its one run. Contract: the executor returns every VU it
 * took before `run()` resolves, and `run()` resolves only after its last iteration ended.
 */
export interface ScenarioRunContext {
  /** ms since epoch, float */
  now(): number;
  /** Aborted when the whole test stops now (test.abort, SIGINT, abortOnFail): interrupt everything. */
  readonly testStop: AbortSignal;
  /** An idle initialised VU, or a newly initialised one if none is idle. */
  getVU(): Promise<ScenarioVU>;
  /** Initialises one more VU (arrival-rate executors beyond preAllocatedVUs). */
  initUnplannedVU(): Promise<ScenarioVU>;
  returnVU(vu: ScenarioVU): void;
  /** Active-VU accounting for the `vus` gauge and the progress line. */
  activate(n?: number): void;
  deactivate(n?: number): void;
  /**
   * Runs one iteration of this scenario's exec on `vu`, emits the iteration metrics and counts it.
   * Resolves true for a full iteration, false when interrupted (signal) or when the test is aborting.
   */
  runIteration(vu: ScenarioVU, signal: AbortSignal): Promise<boolean>;
  /** Emits one `dropped_iterations` sample (no free VU at an arrival-rate tick). */
  dropIteration(): void;
}

export interface Executor {
  readonly config: BaseScenarioConfig;
  /** k6's description, the text after `* <name>: ` in the header. */
  description(): string;
  requirements(): ExecutionRequirements;
  /** Runs the scenario; the scheduler calls it once, at the scenario's startTime. */
  run(ctx: ScenarioRunContext): Promise<void>;
  /** Live progress for the progress bar and `exec.scenario.progress`; valid before/after run. */
  progress(now: number): ExecutorProgress;
  /** Whether run() has finished. */
  readonly finished: boolean;
  /**
   * Whether this instance's execution segment has anything to run (k6's HasWork): a scenario
   * whose scaled VUs (or iterations) are 0 in the segment is left out of the plan.
   */
  hasWork(): boolean;
  /**
   * The striping that numbers this scenario's iterations (`exec.scenario.iterationInTest`): the
   * test's tuple, or the one re-segmented by VUs for shared-iterations and arrival rates (as k6).
   */
  readonly iterationTuple: ExecutionTuple;
}

/** A kebab-case executor type: validates its fields, then builds executors. */
export interface ExecutorDefinition<C extends BaseScenarioConfig = BaseScenarioConfig> {
  readonly type: string;
  /**
   * Reads the executor-specific fields of `raw` on top of the already parsed `base`, applying k6's
   * defaults. Every problem is pushed as `<path>.<field>: <message>`; the returned config is only
   * used when no problem was reported.
   */
  parse(raw: Record<string, unknown>, base: BaseScenarioConfig, path: string, problems: string[]): C;
  /** `tuple`: this instance's execution segment (k6 `--execution-segment`); the whole test if omitted. */
  create(config: C, tuple?: ExecutionTuple): Executor;
}
