/**
 * Executor builders that apply the harness overrides (`HARNESS_VUS`, `HARNESS_DURATION`,
 * `HARNESS_RATE`, see config.ts) to a scenario's own shape, so a 90 s ramp to 200 VUs can be
 * run as `--vus 20 --duration 9s` and keep its profile: every stage duration is scaled by
 * duration/total and every target by vus/peak.
 */
import type {
  ConstantArrivalRateScenario,
  ConstantVUsScenario,
  RampingArrivalRateScenario,
  RampingVUsScenario,
  Stage,
} from 'k6/options';
import { config, type HarnessConfig } from './config';
import { durationMs, formatDuration } from '../../vocabulary/duration';

type Extra = Pick<ConstantVUsScenario, 'gracefulStop' | 'tags' | 'env' | 'exec' | 'startTime'>;

function seconds(d: string): number {
  return durationMs(d) / 1000;
}

/** k6 option text (Go's `1m30s`, `2.5s`) for seconds, rounded to whole milliseconds. */
function text(seconds: number): string {
  return formatDuration(Math.max(0, Math.round(seconds * 1000)));
}

/** Integer target scaled by factor; a non-zero target never scales down to 0. */
function scaleCount(n: number, factor: number): number {
  if (n <= 0) return 0;
  return Math.max(1, Math.round(n * factor));
}

export interface ScaleBy {
  /** New peak (max target across stages and the start value). */
  peak?: number;
  /** New total duration, seconds. */
  totalS?: number;
}

/** Scales stage durations to a new total and targets to a new peak; the profile keeps its shape. */
export function scaleStages(stages: Stage[], start: number, by: ScaleBy): { stages: Stage[]; start: number } {
  const total = stages.reduce((acc, s) => acc + seconds(s.duration), 0);
  const peak = Math.max(start, ...stages.map((s) => s.target));
  const tf = by.totalS !== undefined && total > 0 ? by.totalS / total : 1;
  const vf = by.peak !== undefined && peak > 0 ? by.peak / peak : 1;
  return {
    start: vf === 1 ? start : scaleCount(start, vf),
    stages: stages.map((s) => ({
      duration: tf === 1 ? s.duration : text(seconds(s.duration) * tf),
      target: vf === 1 ? s.target : scaleCount(s.target, vf),
    })),
  };
}

/** Sum of stage durations in seconds (for descriptions and tests). */
export function totalSeconds(stages: Stage[]): number {
  return stages.reduce((acc, s) => acc + seconds(s.duration), 0);
}

export function constantVus(
  o: { vus: number; duration: string } & Extra,
  cfg: HarnessConfig = config,
): ConstantVUsScenario {
  return {
    ...o,
    executor: 'constant-vus',
    vus: cfg.vus ?? o.vus,
    duration: cfg.durationS !== undefined ? text(cfg.durationS) : o.duration,
  };
}

export function rampingVus(
  o: { startVUs: number; stages: Stage[]; gracefulRampDown?: string } & Extra,
  cfg: HarnessConfig = config,
): RampingVUsScenario {
  const scaled = scaleStages(o.stages, o.startVUs, { peak: cfg.vus, totalS: cfg.durationS });
  return { ...o, executor: 'ramping-vus', startVUs: scaled.start, stages: scaled.stages };
}

export function constantArrivalRate(
  o: { rate: number; duration: string; preAllocatedVUs: number; maxVUs: number } & Extra,
  cfg: HarnessConfig = config,
): ConstantArrivalRateScenario {
  const maxVUs = cfg.vus ?? o.maxVUs;
  const rate = perTimeUnit(cfg.rate ?? o.rate);
  return {
    ...o,
    executor: 'constant-arrival-rate',
    rate: rate.rate,
    timeUnit: rate.timeUnit,
    duration: cfg.durationS !== undefined ? text(cfg.durationS) : o.duration,
    preAllocatedVUs: Math.min(o.preAllocatedVUs, maxVUs),
    maxVUs,
  };
}

export function rampingArrivalRate(
  o: { startRate: number; stages: Stage[]; preAllocatedVUs: number; maxVUs: number } & Extra,
  cfg: HarnessConfig = config,
): RampingArrivalRateScenario {
  const scaled = scaleStages(o.stages, o.startRate, { peak: cfg.rate, totalS: cfg.durationS });
  const maxVUs = cfg.vus ?? o.maxVUs;
  return {
    ...o,
    executor: 'ramping-arrival-rate',
    startRate: scaled.start,
    timeUnit: '1s',
    stages: scaled.stages,
    preAllocatedVUs: Math.min(o.preAllocatedVUs, maxVUs),
    maxVUs,
  };
}

/** k6 rates are integers per timeUnit: a fractional per-second rate is expressed per minute. */
function perTimeUnit(perSecond: number): { rate: number; timeUnit: string } {
  return Number.isInteger(perSecond)
    ? { rate: perSecond, timeUnit: '1s' }
    : { rate: Math.max(1, Math.round(perSecond * 60)), timeUnit: '1m' };
}

/** Think time between iterations: HARNESS_THINK_TIME when set, else the scenario's default. */
export function thinkTime(defaultS: number, cfg: HarnessConfig = config): number {
  return cfg.thinkTimeS ?? defaultS;
}
