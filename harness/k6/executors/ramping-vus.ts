import { ExecutionTuple, formatDuration } from '../../../vocabulary';
import { BASE_FIELDS, baseInfo, FieldReader, padInt, progressDuration, StopControl, sumStages } from './helpers';
import type { BaseScenarioConfig, Executor, ExecutorDefinition, ExecutorProgress, ScenarioRunContext, ScenarioVU, Stage } from './types';

export interface RampingVUsConfig extends BaseScenarioConfig {
  readonly startVUs: number;
  readonly stages: readonly Stage[];
  readonly gracefulRampDown: number;
}

/**
 * Target VU count at `t` ms into the stages: linear within a stage, stepping through every
 * integer like k6 (floor while ramping up, ceil while ramping down).
 */
export function rampingVUsTarget(startVUs: number, stages: readonly Stage[], t: number): number {
  let from = startVUs;
  let at = 0;
  for (const s of stages) {
    if (t < at + s.duration) {
      const v = from + ((s.target - from) * (t - at)) / s.duration;
      return s.target >= from ? Math.floor(v) : Math.ceil(v);
    }
    at += s.duration;
    from = s.target;
  }
  return from;
}

interface Slot {
  vu: ScenarioVU | null;
  running: boolean;
  stopping: boolean;
  ctrl: AbortController;
  rampDownTimer?: NodeJS.Timeout;
}

/**
 * VUs follow `stages`; VUs above a falling target finish their iteration within gracefulRampDown.
 * In an execution segment the target is the segment's share of the test-wide target at each
 * instant: the test's VU k runs in the segment that owns index k-1, so it starts and stops when
 * the whole test's k-th VU would (k6 lib/executor/ramping_vus.go getRawExecutionSteps).
 */
export class RampingVUs implements Executor {
  private startedAt = 0;
  private active = 0;
  finished = false;
  readonly maxVUs: number;
  constructor(
    readonly config: RampingVUsConfig,
    readonly iterationTuple: ExecutionTuple = ExecutionTuple.FULL,
  ) {
    this.maxVUs = iterationTuple.scale(Math.max(config.startVUs, ...config.stages.map((s) => s.target)));
  }

  hasWork(): boolean {
    return this.maxVUs > 0;
  }

  description(): string {
    const c = this.config;
    return `Up to ${this.maxVUs} looping VUs for ${formatDuration(sumStages(c.stages))} over ${c.stages.length} stages${baseInfo(c, `gracefulRampDown: ${formatDuration(c.gracefulRampDown)}`)}`;
  }

  requirements() {
    const c = this.config;
    return { plannedVUs: this.maxVUs, unplannedVUs: 0, maxDuration: sumStages(c.stages) + Math.max(c.gracefulStop, c.gracefulRampDown) };
  }

  progress(now: number): ExecutorProgress {
    const total = sumStages(this.config.stages);
    const spent = this.startedAt ? now - this.startedAt : 0;
    return {
      fraction: total ? Math.min(1, spent / total) : 1,
      right: [`${padInt(this.active, this.maxVUs)}/${this.maxVUs} VUs`, progressDuration(spent, total)],
    };
  }

  async run(ctx: ScenarioRunContext): Promise<void> {
    const c = this.config;
    this.startedAt = ctx.now();
    const total = sumStages(c.stages);
    const end = this.startedAt + total;
    const stop = new StopControl(ctx.testStop, () => ctx.now());
    const loops = new Set<Promise<void>>();
    const slots: Slot[] = Array.from({ length: this.maxVUs }, () => ({ vu: null, running: false, stopping: false, ctrl: new AbortController() }));
    const onHard = () => slots.forEach((s) => s.ctrl.abort());
    stop.hard.signal.addEventListener('abort', onHard, { once: true });

    const runSlot = async (slot: Slot) => {
      slot.running = true;
      slot.vu ??= await ctx.getVU();
      ctx.activate();
      this.active++;
      try {
        while (!slot.stopping && !stop.stopped && ctx.now() < end) await ctx.runIteration(slot.vu, slot.ctrl.signal);
      } finally {
        clearTimeout(slot.rampDownTimer);
        this.active--;
        ctx.deactivate();
        slot.running = false;
        slot.stopping = false;
        if (slot.ctrl.signal.aborted && !stop.hard.signal.aborted) slot.ctrl = new AbortController();
      }
    };
    const start = (slot: Slot) => {
      const p = runSlot(slot).finally(() => loops.delete(p));
      loops.add(p);
    };
    const tick = () => {
      const target = this.iterationTuple.scale(rampingVUsTarget(c.startVUs, c.stages, ctx.now() - this.startedAt));
      slots.forEach((slot, i) => {
        if (i < target) {
          if (slot.stopping) {
            slot.stopping = false;
            clearTimeout(slot.rampDownTimer);
          } else if (!slot.running) start(slot);
        } else if (slot.running && !slot.stopping) {
          slot.stopping = true;
          slot.rampDownTimer = setTimeout(() => slot.ctrl.abort(), c.gracefulRampDown);
        }
      });
    };
    try {
      tick();
      while (!stop.hard.signal.aborted && ctx.now() < end) {
        await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, end - ctx.now()))));
        if (ctx.now() < end) tick();
      }
      stop.beginGrace(c.gracefulStop, end);
      while (loops.size) await Promise.all([...loops]);
    } finally {
      stop.hard.signal.removeEventListener('abort', onHard);
      stop.dispose();
      for (const s of slots) if (s.vu) ctx.returnVU(s.vu);
      this.finished = true;
    }
  }
}

export const rampingVUs: ExecutorDefinition<RampingVUsConfig> = {
  type: 'ramping-vus',
  parse(raw, base, path, problems) {
    const r = new FieldReader(raw, path, problems);
    const startVUs = r.int('startVUs', 1, 0);
    const stages = r.stages('stages', true);
    const gracefulRampDown = r.duration('gracefulRampDown', 30_000, 0);
    if (stages.length && startVUs === 0 && stages.every((s) => s.target === 0)) r.problem('stages', "either startVUs or one of the stages' target values must be greater than 0");
    r.rejectUnknown(BASE_FIELDS);
    return { ...base, startVUs, stages, gracefulRampDown };
  },
  create: (c, tuple) => new RampingVUs(c, tuple),
};
