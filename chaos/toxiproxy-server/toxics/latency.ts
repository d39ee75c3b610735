import { sleepUntil, type ToxicType } from './toxic';

/**
 * Delays every chunk by `latency` ± `jitter` ms, measured from when the chunk was read: never
 * delivered before that instant (see `sleepUntil`), and at most about a millisecond after it.
 */
export const LatencyToxic: ToxicType<{ latency: number; jitter: number }> = {
  type: 'latency',
  defaults: { latency: 0, jitter: 0 },
  create({ latency, jitter }, ctx) {
    return {
      async transform(chunk, push) {
        const delay = latency + (jitter > 0 ? ctx.rng.int(-jitter, jitter) : 0);
        await sleepUntil(chunk.at + delay, ctx.signal);
        await push(chunk.data);
      },
    };
  },
};
