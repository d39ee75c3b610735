import { ExecutionTuple, formatDuration } from '../../../vocabulary';
import { BASE_FIELDS, baseInfo, FieldReader, padInt, progressDuration, runLoopingVUs, StopControl } from './helpers';
import type { BaseScenarioConfig, Executor, ExecutorDefinition, ExecutorProgress, ScenarioRunContext } from './types';

export interface PerVUIterationsConfig extends BaseScenarioConfig {
  readonly vus: number;
  readonly iterations: number;
  readonly maxDuration: number;
}

/** Each of `vus` VUs (this segment's share of them) runs exactly `iterations` iterations. */
export class PerVUIterations implements Executor {
  private startedAt = 0;
  private endedAt = 0;
  private done = 0;
  finished = false;
  readonly vus: number;
  constructor(
    readonly config: PerVUIterationsConfig,
    readonly iterationTuple: ExecutionTuple = ExecutionTuple.FULL,
  ) {
    this.vus = iterationTuple.scale(config.vus);
  }

  hasWork(): boolean {
    return this.vus > 0 && this.config.iterations > 0;
  }

  description(): string {
    const c = this.config;
    return `${c.iterations} iterations for each of ${this.vus} VUs${baseInfo(c, `maxDuration: ${formatDuration(c.maxDuration)}`)}`;
  }

  requirements() {
    return { plannedVUs: this.vus, unplannedVUs: 0, maxDuration: this.config.maxDuration + this.config.gracefulStop };
  }

  progress(now: number): ExecutorProgress {
    const c = this.config;
    const total = this.vus * c.iterations;
    const spent = this.startedAt ? (this.finished ? this.endedAt : now) - this.startedAt : 0;
    return {
      fraction: total ? this.done / total : 1,
      right: [`${this.vus} VUs`, progressDuration(spent, c.maxDuration), `${padInt(this.done, total)}/${total} iters, ${c.iterations} per VU`],
    };
  }

  async run(ctx: ScenarioRunContext): Promise<void> {
    const c = this.config;
    this.startedAt = ctx.now();
    const stop = new StopControl(ctx.testStop, () => ctx.now());
    stop.endAt(this.startedAt + c.maxDuration, c.gracefulStop);
    try {
      await runLoopingVUs(ctx, this.vus, async (vu) => {
        for (let i = 0; i < c.iterations && !stop.stopped && ctx.now() - this.startedAt < c.maxDuration; i++) {
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

export const perVUIterations: ExecutorDefinition<PerVUIterationsConfig> = {
  type: 'per-vu-iterations',
  parse(raw, base, path, problems) {
    const r = new FieldReader(raw, path, problems);
    const vus = r.int('vus', 1, 1);
    const iterations = r.int('iterations', 1, 1);
    // k6 v0.48 (lib/executor/per_vu_iterations.go): at least 1s
    const maxDuration = r.duration('maxDuration', 600_000, 1000);
    r.rejectUnknown(BASE_FIELDS);
    return { ...base, vus, iterations, maxDuration };
  },
  create: (c, tuple) => new PerVUIterations(c, tuple),
};
