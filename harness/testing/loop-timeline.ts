/**
 * A timeline of this process's event loop while `fn` runs, for timing tests that must hold on a
 * loaded machine: a 1 ms interval timer records when each timers phase ran. A timer that fired at
 * t was not yet due at the last timers phase before t's own (it would have fired there), so
 * `lateAt(t)` = t - (the second-last recorded phase before t) + 1 ms bounds how late it ran,
 * however busy the machine was around t, and stays about 2 ms on a quiet loop. Tests take their
 * upper bounds from it, so load widens a bound only by what it delayed that very event, never by
 * a fixed guess, and a real bug (a schedule that drifts or starts early) still fails.
 */
export interface LoopTimeline {
  /** Upper bound (ms) on how late a timer callback that ran at `t` (epoch ms, `performance.timeOrigin + performance.now()`) was. */
  lateAt(t: number): number;
}

/**
 * Added to an upper bound when the moment a test reads was recorded a few loop turns after the
 * timer that caused it (an abort reaching an iteration's end): a preemption between those turns
 * shows in no phase gap (seen once: 2.2 ms with two CPU hogs). A bug in a schedule or a window
 * is off by far more (a gracefulStop window drifting with its late timer: +560 ms).
 */
export const HANDOFF_MS = 10;

export async function withLoopTimeline<T>(fn: () => Promise<T>): Promise<{ value: T; loop: LoopTimeline }> {
  const now = () => performance.timeOrigin + performance.now();
  const phases: number[] = [now()];
  const timer = setInterval(() => phases.push(now()), 1);
  try {
    const value = await fn();
    return { value, loop: { lateAt: (t) => t - phases[Math.max(0, lastBefore(phases, t) - 1)] + 1 } };
  } finally {
    clearInterval(timer);
  }
}

/** Index of the last entry < t in ascending `xs` (0 if none). */
function lastBefore(xs: number[], t: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (xs[mid] < t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
