import { formatDuration } from '../../../vocabulary';
import { ArrivalRateLoop } from './arrival-rate-loop';
import { BASE_FIELDS, baseInfo, FieldReader, padFloat2, padInt, progressDuration } from './helpers';
import type { BaseScenarioConfig, Executor, ExecutorDefinition, ExecutorProgress, ScenarioRunContext } from './types';

export interface ConstantArrivalRateConfig extends BaseScenarioConfig {
  readonly rate: number;
  /** ms */
  readonly timeUnit: number;
  readonly duration: number;
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
}

/** `maxVUs: 5` or `maxVUs: 5-10` as k6 prints it. */
export function maxVUsRange(pre: number, max: number): string {
  return max > pre ? `maxVUs: ${pre}-${max}` : `maxVUs: ${pre}`;
}

/** Starts `rate` iterations per `timeUnit` for `duration`, at t = 0, T, 2T, ... (< duration). */
export class ConstantArrivalRate implements Executor {
  private startedAt = 0;
  private endedAt = 0;
  private readonly loop: ArrivalRateLoop;
  finished = false;
  constructor(readonly config: ConstantArrivalRateConfig) {
    this.loop = new ArrivalRateLoop(config.preAllocatedVUs, config.maxVUs);
  }

  get ratePerSec(): number {
    return (this.config.rate * 1000) / this.config.timeUnit;
  }

  description(): string {
    const c = this.config;
    return `${this.ratePerSec.toFixed(2)} iterations/s for ${formatDuration(c.duration)}${baseInfo(c, maxVUsRange(c.preAllocatedVUs, c.maxVUs))}`;
  }

  requirements() {
    const c = this.config;
    return { plannedVUs: c.preAllocatedVUs, unplannedVUs: c.maxVUs - c.preAllocatedVUs, maxDuration: c.duration + c.gracefulStop };
  }

  progress(now: number): ExecutorProgress {
    const c = this.config;
    const spent = this.startedAt ? (this.finished ? this.endedAt : now) - this.startedAt : 0;
    return {
      fraction: Math.min(1, spent / c.duration),
      right: [
        `${padInt(this.loop.active, c.maxVUs)}/${padInt(this.loop.allocated || c.preAllocatedVUs, c.maxVUs)} VUs`,
        progressDuration(spent, c.duration),
        `${padFloat2(this.ratePerSec, this.ratePerSec)} iters/s`,
      ],
    };
  }

  async run(ctx: ScenarioRunContext): Promise<void> {
    const c = this.config;
    this.startedAt = ctx.now();
    const period = c.timeUnit / c.rate;
    function* offsets() {
      for (let i = 0; i * period < c.duration; i++) yield i * period;
    }
    try {
      await this.loop.run(ctx, this.startedAt, c.duration, c.gracefulStop, offsets());
    } finally {
      this.endedAt = ctx.now();
      this.finished = true;
    }
  }
}

export function readArrivalVUs(r: FieldReader): { preAllocatedVUs: number; maxVUs: number } {
  if (!r.has('preAllocatedVUs')) r.problem('preAllocatedVUs', 'is required (the number of VUs to initialise before the test starts)');
  const preAllocatedVUs = r.int('preAllocatedVUs', 0, 0);
  const maxVUs = r.int('maxVUs', preAllocatedVUs, 0);
  if (r.has('maxVUs') && maxVUs < preAllocatedVUs) r.problem('maxVUs', `can't be less than preAllocatedVUs (${maxVUs} < ${preAllocatedVUs})`);
  if (maxVUs === 0 && preAllocatedVUs === 0 && r.has('preAllocatedVUs')) r.problem('maxVUs', 'must be more than 0');
  return { preAllocatedVUs, maxVUs: Math.max(maxVUs, preAllocatedVUs) };
}

export const constantArrivalRate: ExecutorDefinition<ConstantArrivalRateConfig> = {
  type: 'constant-arrival-rate',
  parse(raw, base, path, problems) {
    const r = new FieldReader(raw, path, problems);
    if (!r.has('rate')) r.problem('rate', 'is required (iterations per timeUnit)');
    const rate = r.int('rate', 0, 0);
    if (r.has('rate') && rate === 0) r.problem('rate', 'the iteration rate must be more than 0');
    const timeUnit = r.duration('timeUnit', 1000, 0);
    if (timeUnit === 0 && r.has('timeUnit')) r.problem('timeUnit', 'must be more than 0');
    const duration = r.duration('duration', undefined, 0);
    if (r.has('duration') && duration === 0) r.problem('duration', 'must be more than 0');
    const vus = readArrivalVUs(r);
    r.rejectUnknown(BASE_FIELDS);
    return { ...base, rate, timeUnit, duration, ...vus };
  },
  create: (c) => new ConstantArrivalRate(c),
};
