import { formatDuration } from '../../../vocabulary';
import { BASE_FIELDS, baseInfo, FieldReader, padInt, progressDuration, runLoopingVUs, StopControl } from './helpers';
import type { BaseScenarioConfig, Executor, ExecutorDefinition, ExecutorProgress, ScenarioRunContext } from './types';

export interface SharedIterationsConfig extends BaseScenarioConfig {
  readonly vus: number;
  readonly iterations: number;
  readonly maxDuration: number;
}

/** A fixed number of iterations shared among `vus` VUs: each free VU takes the next one. */
export class SharedIterations implements Executor {
  private startedAt = 0;
  private done = 0;
  finished = false;
  constructor(readonly config: SharedIterationsConfig) {}

  description(): string {
    const c = this.config;
    return `${c.iterations} iterations shared among ${c.vus} VUs${baseInfo(c, `maxDuration: ${formatDuration(c.maxDuration)}`)}`;
  }

  requirements() {
    return { plannedVUs: this.config.vus, unplannedVUs: 0, maxDuration: this.config.maxDuration + this.config.gracefulStop };
  }

  progress(now: number): ExecutorProgress {
    const c = this.config;
    const spent = this.startedAt ? (this.finished ? this.endedAt : now) - this.startedAt : 0;
    return {
      fraction: c.iterations ? this.done / c.iterations : 1,
      right: [`${c.vus} VUs`, progressDuration(spent, c.maxDuration), `${padInt(this.done, c.iterations)}/${c.iterations} shared iters`],
    };
  }
  private endedAt = 0;

  async run(ctx: ScenarioRunContext): Promise<void> {
    const c = this.config;
    this.startedAt = ctx.now();
    const stop = new StopControl(ctx.testStop);
    stop.endAt(this.startedAt + c.maxDuration, this.startedAt, c.gracefulStop);
    let next = 0;
    try {
      await runLoopingVUs(ctx, Math.min(c.vus, c.iterations), async (vu) => {
        while (!stop.stopped && next < c.iterations && ctx.now() - this.startedAt < c.maxDuration) {
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
    const iterations = r.int('iterations', 1, 1);
    const maxDuration = r.duration('maxDuration', 600_000, 0);
    if (iterations < vus && iterations >= 1) r.problem('iterations', `the number of iterations (${iterations}) can't be less than the number of VUs (${vus})`);
    r.rejectUnknown(BASE_FIELDS);
    return { ...base, vus, iterations, maxDuration };
  },
  create: (c) => new SharedIterations(c),
};
