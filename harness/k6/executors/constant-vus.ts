import { ExecutionTuple, formatDuration } from '../../../vocabulary';
import { BASE_FIELDS, baseInfo, FieldReader, progressDuration, runLoopingVUs, StopControl } from './helpers';
import type { BaseScenarioConfig, Executor, ExecutorDefinition, ExecutorProgress, ScenarioRunContext } from './types';

export interface ConstantVUsConfig extends BaseScenarioConfig {
  readonly vus: number;
  readonly duration: number;
}

/** `vus` VUs (this segment's share of them) loop over iterations for `duration`. */
export class ConstantVUs implements Executor {
  private startedAt = 0;
  finished = false;
  readonly vus: number;
  constructor(
    readonly config: ConstantVUsConfig,
    readonly iterationTuple: ExecutionTuple = ExecutionTuple.FULL,
  ) {
    this.vus = iterationTuple.scale(config.vus);
  }

  hasWork(): boolean {
    return this.vus > 0;
  }

  description(): string {
    const c = this.config;
    return `${this.vus} looping VUs for ${formatDuration(c.duration)}${baseInfo(c)}`;
  }

  requirements() {
    return { plannedVUs: this.vus, unplannedVUs: 0, maxDuration: this.config.duration + this.config.gracefulStop };
  }

  progress(now: number): ExecutorProgress {
    const c = this.config;
    const spent = this.startedAt ? now - this.startedAt : 0;
    return { fraction: Math.min(1, spent / c.duration), right: [`${this.vus} VUs`, progressDuration(spent, c.duration)] };
  }

  async run(ctx: ScenarioRunContext): Promise<void> {
    const c = this.config;
    this.startedAt = ctx.now();
    const end = this.startedAt + c.duration;
    const stop = new StopControl(ctx.testStop, () => ctx.now());
    stop.endAt(end, c.gracefulStop);
    try {
      await runLoopingVUs(ctx, this.vus, async (vu) => {
        // the clock check matters: a script without I/O never lets the end timer fire
        while (!stop.stopped && ctx.now() < end) await ctx.runIteration(vu, stop.hard.signal);
      });
    } finally {
      stop.dispose();
      this.finished = true;
    }
  }
}

export const constantVUs: ExecutorDefinition<ConstantVUsConfig> = {
  type: 'constant-vus',
  parse(raw, base, path, problems) {
    const r = new FieldReader(raw, path, problems);
    const vus = r.int('vus', 1, 1);
    const duration = r.duration('duration', undefined, 1000);
    r.rejectUnknown(BASE_FIELDS);
    return { ...base, vus, duration };
  },
  create: (c, tuple) => new ConstantVUs(c, tuple),
};
