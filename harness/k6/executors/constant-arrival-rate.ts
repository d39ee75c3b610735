import { ExecutionTuple, formatDuration, stripedIndices } from '../../../vocabulary';
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

/**
 * Starts `rate` iterations per `timeUnit` for `duration`: the test's iteration i at i*T (< duration).
 * In an execution segment (k6 lib/executor/constant_arrival_rate.go) the segment starts the
 * iterations its stripe owns, the stripe re-segmented by maxVUs so iterations follow the VUs; the
 * period stays the test's, so the segments' ticks interleave into the test's rate.
 */
export class ConstantArrivalRate implements Executor {
  private startedAt = 0;
  private endedAt = 0;
  private readonly loop: ArrivalRateLoop;
  finished = false;
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  readonly iterationTuple: ExecutionTuple;
  constructor(
    readonly config: ConstantArrivalRateConfig,
    tuple: ExecutionTuple = ExecutionTuple.FULL,
  ) {
    this.preAllocatedVUs = tuple.scale(config.preAllocatedVUs);
    this.maxVUs = tuple.scale(config.maxVUs);
    this.iterationTuple = tuple.retupleFromValue(config.maxVUs) ?? tuple;
    this.loop = new ArrivalRateLoop(this.preAllocatedVUs, this.maxVUs);
  }

  hasWork(): boolean {
    return this.maxVUs > 0;
  }

  /** This segment's share of the rate (k6 scales it by scaled/unscaled maxVUs). */
  get ratePerSec(): number {
    const share = this.config.maxVUs ? this.maxVUs / this.config.maxVUs : 0;
    return ((this.config.rate * 1000) / this.config.timeUnit) * share;
  }

  description(): string {
    const c = this.config;
    return `${this.ratePerSec.toFixed(2)} iterations/s for ${formatDuration(c.duration)}${baseInfo(c, maxVUsRange(this.preAllocatedVUs, this.maxVUs))}`;
  }

  requirements() {
    const c = this.config;
    return { plannedVUs: this.preAllocatedVUs, unplannedVUs: this.maxVUs - this.preAllocatedVUs, maxDuration: c.duration + c.gracefulStop };
  }

  progress(now: number): ExecutorProgress {
    const c = this.config;
    const spent = this.startedAt ? (this.finished ? this.endedAt : now) - this.startedAt : 0;
    return {
      fraction: Math.min(1, spent / c.duration),
      right: [
        `${padInt(this.loop.active, this.maxVUs)}/${padInt(this.loop.allocated || this.preAllocatedVUs, this.maxVUs)} VUs`,
        progressDuration(spent, c.duration),
        `${padFloat2(this.ratePerSec, this.ratePerSec)} iters/s`,
      ],
    };
  }

  async run(ctx: ScenarioRunContext): Promise<void> {
    const c = this.config;
    this.startedAt = ctx.now();
    const period = c.timeUnit / c.rate;
    const stripe = this.iterationTuple;
    function* offsets() {
      for (const i of stripedIndices(stripe)) {
        if (i * period >= c.duration) return;
        yield i * period;
      }
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
    // k6 v0.48 (lib/executor/constant_arrival_rate.go): at least 1s, as constant-vus
    const duration = r.duration('duration', undefined, 1000);
    const vus = readArrivalVUs(r);
    r.rejectUnknown(BASE_FIELDS);
    return { ...base, rate, timeUnit, duration, ...vus };
  },
  create: (c, tuple) => new ConstantArrivalRate(c, tuple),
};
