import { sleepUntil, StopControl } from './helpers';
import type { ScenarioRunContext, ScenarioVU } from './types';

/**
 * Shared engine of the arrival-rate executors. Iteration starts come from `offsets` (ms from the
 * scenario start, ascending) and are awaited against absolute times, so timer drift never
 * accumulates. A tick with no idle VU is a dropped iteration; if fewer than maxVUs exist, one more
 * VU is initialised in the background (k6 drops the tick meanwhile, too).
 */
export class ArrivalRateLoop {
  active = 0;
  allocated = 0;
  constructor(
    private readonly preAllocatedVUs: number,
    private readonly maxVUs: number,
  ) {}

  async run(ctx: ScenarioRunContext, startedAt: number, durationMs: number, gracefulStopMs: number, offsets: Iterable<number>): Promise<void> {
    const stop = new StopControl(ctx.testStop, () => ctx.now());
    const idle: ScenarioVU[] = [];
    const owned: ScenarioVU[] = [];
    const inflight = new Set<Promise<unknown>>();
    let initializing = false;
    try {
      for (let i = 0; i < this.preAllocatedVUs; i++) {
        const vu = await ctx.getVU();
        idle.push(vu);
        owned.push(vu);
        this.allocated++;
      }
      // the offsets iterator decides the horizon (constant: off < duration; ramping: off <= duration)
      for (const off of offsets) {
        if (off > durationMs) break;
        const at = startedAt + off;
        if (!(await sleepUntil(at, () => ctx.now(), stop.hard.signal))) break;
        const vu = idle.pop();
        if (!vu) {
          ctx.dropIteration();
          if (!initializing && this.allocated < this.maxVUs) {
            initializing = true;
            const p = ctx.initUnplannedVU().then(
              (v) => {
                owned.push(v);
                idle.push(v);
                this.allocated++;
                initializing = false;
              },
              () => {
                initializing = false;
              },
            );
            inflight.add(p);
            p.finally(() => inflight.delete(p));
          }
          continue;
        }
        this.active++;
        ctx.activate();
        const p = ctx.runIteration(vu, stop.hard.signal).finally(() => {
          this.active--;
          ctx.deactivate();
          idle.push(vu);
          inflight.delete(p);
        });
        inflight.add(p);
      }
      // like k6, the regular duration ends on the clock, not at the last start
      await sleepUntil(startedAt + durationMs, () => ctx.now(), stop.hard.signal);
      stop.beginGrace(gracefulStopMs, startedAt + durationMs);
      while (inflight.size) await Promise.allSettled([...inflight]);
    } finally {
      stop.dispose();
      for (const vu of owned) ctx.returnVU(vu);
    }
  }
}
