import { ExecutionTuple, formatDuration } from '../../../vocabulary';
import { BASE_FIELDS, baseInfo, FieldReader, padInt, progressDuration, runLoopingVUs, StopControl } from './helpers';
import type { BaseScenarioConfig, Executor, ExecutorDefinition, ExecutorProgress, ScenarioRunContext } from './types';

export interface SharedIterationsConfig extends BaseScenarioConfig {
  readonly vus: number;
  readonly iterations: number;
  readonly maxDuration: number;
}

/**
 * A fixed number of iterations shared among `vus` VUs: each free VU takes the next one. In an
 * execution segment (k6 lib/executor/shared_iterations.go): this segment's share of the VUs, and of
 * the iterations as split by the VUs' re-segmented tuple, so iterations follow VUs.
 */
export class SharedIterations implements Executor {
  private startedAt = 0;
  private done = 0;
  finished = false;
  /** Scaled to the segment. */
  readonly vus: number;
  readonly iterations: number;
  readonly iterationTuple: ExecutionTuple;
  constructor(
    readonly config: SharedIterationsConfig,
    tuple: ExecutionTuple = ExecutionTuple.FULL,
  ) {
    this.vus = tuple.scale(config.vus);
    const byVUs = tuple.retupleFromValue(config.vus);
    this.iterationTuple = byVUs ?? tuple;
    this.iterations = byVUs ? byVUs.scale(config.iterations) : 0;
  }

  hasWork(): boolean {
    return this.vus > 0 && this.iterations > 0;
  }

  description(): string {
    const c = this.config;
    return `${this.iterations} iterations shared among ${this.vus} VUs${baseInfo(c, `maxDuration: ${formatDuration(c.maxDuration)}`)}`;
  }

  requirements() {
    return { plannedVUs: this.vus, unplannedVUs: 0, maxDuration: this.config.maxDuration + this.config.gracefulStop };
  }

  progress(now: number): ExecutorProgress {
    const c = this.config;
    const spent = this.startedAt ? (this.finished ? this.endedAt : now) - this.startedAt : 0;
    return {
      fraction: this.iterations ? this.done / this.iterations : 1,
      right: [`${this.vus} VUs`, progressDuration(spent, c.maxDuration), `${padInt(this.done, this.iterations)}/${this.iterations} shared iters`],
    };
  }
  private endedAt = 0;

  async run(ctx: ScenarioRunContext): Promise<void> {
    const c = this.config;
    this.startedAt = ctx.now();
    const stop = new StopControl(ctx.testStop, () => ctx.now());
    stop.endAt(this.startedAt + c.maxDuration, c.gracefulStop);
    let next = 0;
    try {
      await runLoopingVUs(ctx, Math.min(this.vus, this.iterations), async (vu) => {
        while (!stop.stopped && next < this.iterations && ctx.now() - this.startedAt < c.maxDuration) {
          next++;
          await ctx.runIteration(vu, stop.hard.signal);
          this.done++;
        }
      });
    } finally {
      stop.dispose();
      this.endedAt = ctx.now();
      this.finished = true;
    }
  }
}

export const sharedIterations: ExecutorDefinition<SharedIterationsConfig> = {
  type: 'shared-iterations',
  parse(raw, base, path, problems) {
    const r = new FieldReader(raw, path, problems);
    const vus = r.int('vus', 1, 1);
    const iterations = r.int('iterations', 1, 0);
    if (iterations < vus) r.problem('iterations', `the number of iterations (${iterations}) can't be less than the number of VUs (${vus})`);
    // k6 v0.48 (lib/executor/shared_iterations.go): at least 1s
    const maxDuration = r.duration('maxDuration', 600_000, 1000);
    r.rejectUnknown(BASE_FIELDS);
    return { ...base, vus, iterations, maxDuration };
  },
  create: (c, tuple) => new SharedIterations(c, tuple),
};
