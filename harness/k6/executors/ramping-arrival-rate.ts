import { ExecutionTuple, formatDuration, stripedIndices } from '../../../vocabulary';
import { ArrivalRateLoop } from './arrival-rate-loop';
import { readArrivalVUs } from './constant-arrival-rate';
import { BASE_FIELDS, baseInfo, FieldReader, padFloat2, padInt, progressDuration, sumStages } from './helpers';
import type { BaseScenarioConfig, Executor, ExecutorDefinition, ExecutorProgress, ScenarioRunContext, Stage } from './types';

export interface RampingArrivalRateConfig extends BaseScenarioConfig {
  readonly startRate: number;
  readonly timeUnit: number;
  readonly stages: readonly Stage[];
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
}

/**
 * Start offsets (ms) of a rate that changes linearly within each stage: iteration k starts when
 * the integral of the rate reaches k (k = 1, 2, ...), as k6 computes it. Rates are per timeUnit.
 * `stripe` (0-based test-wide indices, ascending) picks the iterations of one execution segment
 * (k6 lib/executor/ramping_arrival_rate.go `cal`); all of them by default.
 */
export function* rampingArrivalOffsets(startRate: number, timeUnit: number, stages: readonly Stage[], stripe?: Iterator<number>): Generator<number> {
  const nextK = (): number => (stripe ? stripe.next().value + 1 : k + 1);
  let k = stripe ? nextK() : 1;
  let at = 0;
  let cum = 0; // iterations owed at the start of the stage
  let from = startRate / timeUnit; // per ms
  for (const s of stages) {
    const to = s.target / timeUnit;
    const d = s.duration;
    const stageCount = d > 0 ? ((from + to) / 2) * d : 0;
    const eps = 1e-9;
    while (k <= cum + stageCount + eps) {
      const x = k - cum;
      let t: number;
      if (Math.abs(to - from) < 1e-15) t = x / from;
      else {
        const a = (to - from) / (2 * d);
        t = (-from + Math.sqrt(Math.max(0, from * from + 4 * a * x))) / (2 * a);
      }
      yield at + Math.min(Math.max(t, 0), d);
      k = nextK();
    }
    cum += stageCount;
    at += d;
    from = to;
  }
}

/** Rate per second at t ms into the stages. */
export function rampingRateAt(startRate: number, timeUnit: number, stages: readonly Stage[], t: number): number {
  let from = startRate;
  let at = 0;
  for (const s of stages) {
    if (t < at + s.duration) return ((from + ((s.target - from) * (t - at)) / s.duration) * 1000) / timeUnit;
    at += s.duration;
    from = s.target;
  }
  return (from * 1000) / timeUnit;
}

/**
 * Iteration starts follow a rate ramped through `stages` (from `startRate`). In an execution
 * segment, the segment starts the test's iterations its stripe (re-segmented by maxVUs) owns.
 */
export class RampingArrivalRate implements Executor {
  private startedAt = 0;
  private endedAt = 0;
  private readonly loop: ArrivalRateLoop;
  finished = false;
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  readonly iterationTuple: ExecutionTuple;
  /** The segment's length: k6 scales the displayed rates by it. */
  private readonly share: number;
  /** k6 scales maxVUs - preAllocatedVUs as one number here (not the difference of the scaled ones, as constant-arrival-rate does). */
  private readonly unplannedVUs: number;
  constructor(
    readonly config: RampingArrivalRateConfig,
    tuple: ExecutionTuple = ExecutionTuple.FULL,
  ) {
    this.preAllocatedVUs = tuple.scale(config.preAllocatedVUs);
    this.maxVUs = tuple.scale(config.maxVUs);
    this.iterationTuple = tuple.retupleFromValue(config.maxVUs) ?? tuple;
    this.share = tuple.segment.length.toNumber();
    this.unplannedVUs = tuple.scale(config.maxVUs - config.preAllocatedVUs);
    this.loop = new ArrivalRateLoop(this.preAllocatedVUs, this.maxVUs);
  }

  hasWork(): boolean {
    return this.maxVUs > 0;
  }

  private get maxRatePerSec(): number {
    const c = this.config;
    return ((Math.max(c.startRate, ...c.stages.map((s) => s.target)) * 1000) / c.timeUnit) * this.share;
  }

  description(): string {
    const c = this.config;
    // k6 compares the unscaled counts for the range but prints the scaled ones
    const range = c.maxVUs > c.preAllocatedVUs ? `maxVUs: ${this.preAllocatedVUs}-${this.maxVUs}` : `maxVUs: ${this.preAllocatedVUs}`;
    return `Up to ${this.maxRatePerSec.toFixed(2)} iterations/s for ${formatDuration(sumStages(c.stages))} over ${c.stages.length} stages${baseInfo(c, range)}`;
  }

  requirements() {
    const c = this.config;
    return { plannedVUs: this.preAllocatedVUs, unplannedVUs: this.unplannedVUs, maxDuration: sumStages(c.stages) + c.gracefulStop };
  }

  progress(now: number): ExecutorProgress {
    const c = this.config;
    const total = sumStages(c.stages);
    const spent = this.startedAt ? (this.finished ? this.endedAt : now) - this.startedAt : 0;
    const rate = this.startedAt && !this.finished ? rampingRateAt(c.startRate, c.timeUnit, c.stages, spent) * this.share : 0;
    return {
      fraction: total ? Math.min(1, spent / total) : 1,
      right: [
        `${padInt(this.loop.active, this.maxVUs)}/${padInt(this.loop.allocated || this.preAllocatedVUs, this.maxVUs)} VUs`,
        progressDuration(spent, total),
        `${padFloat2(rate, this.maxRatePerSec)} iters/s`,
      ],
    };
  }

  async run(ctx: ScenarioRunContext): Promise<void> {
    const c = this.config;
    this.startedAt = ctx.now();
    try {
      await this.loop.run(ctx, this.startedAt, sumStages(c.stages), c.gracefulStop, rampingArrivalOffsets(c.startRate, c.timeUnit, c.stages, this.iterationTuple.isFull ? undefined : stripedIndices(this.iterationTuple)));
    } finally {
      this.endedAt = ctx.now();
      this.finished = true;
    }
  }
}

export const rampingArrivalRate: ExecutorDefinition<RampingArrivalRateConfig> = {
  type: 'ramping-arrival-rate',
  parse(raw, base, path, problems) {
    const r = new FieldReader(raw, path, problems);
    const startRate = r.int('startRate', 0, 0);
    const timeUnit = r.duration('timeUnit', 1000, 0);
    if (timeUnit === 0 && r.has('timeUnit')) r.problem('timeUnit', 'must be more than 0');
    const stages = r.stages('stages', true);
    const vus = readArrivalVUs(r);
    r.rejectUnknown(BASE_FIELDS);
    return { ...base, startRate, timeUnit, stages, ...vus };
  },
  create: (c, tuple) => new RampingArrivalRate(c, tuple),
};
