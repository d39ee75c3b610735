import { sleepUntil, type ToxicType } from './toxic';

/** Below this much owed delay, pieces go out back to back: a timer cannot wait less. */
const TIMER_RESOLUTION_MS = 1;

/**
 * Slices data into smaller chunks of `average_size` ± `size_variation` bytes, waiting `delay`
 * microseconds between them (simulates fragmented packets). `average_size` 0 = off.
 *
 * Microsecond waits are honoured on average: the delay owed is accumulated, and pieces are
 * written back to back until at least a timer's resolution is owed, then one timer waits until
 * the cumulative due time. (A timer per piece would make every
 * 10 µs delay at least 1 ms.)
 */
export const SlicerToxic: ToxicType<{ average_size: number; size_variation: number; delay: number }> = {
  type: 'slicer',
  defaults: { average_size: 0, size_variation: 0, delay: 0 },
  create({ average_size, size_variation, delay }, ctx) {
    return {
      async transform(chunk, push) {
        if (average_size <= 0 || ctx.signal.aborted) return push(chunk.data);
        let data = chunk.data;
        let due = performance.now();
        while (data.length > 0) {
          const variation = size_variation > 0 ? ctx.rng.int(-size_variation, size_variation) : 0;
          const size = Math.max(1, average_size + variation);
          await push(data.subarray(0, size));
          data = data.subarray(size);
          if (data.length === 0 || delay <= 0) continue;
          // Lateness is not caught up (a gap is never shorter than `delay`, as Go's time.Sleep per
          // piece); only delay still owed accumulates.
          due = Math.max(due, performance.now()) + delay / 1000;
          if (due - performance.now() >= TIMER_RESOLUTION_MS) await sleepUntil(due, ctx.signal);
        }
      },
    };
  },
};
