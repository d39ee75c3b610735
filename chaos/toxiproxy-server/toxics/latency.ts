import { sleep, type ToxicType } from './toxic';

/** Delays every chunk by `latency` ± `jitter` ms, measured from when the chunk was read. */
export const LatencyToxic: ToxicType<{ latency: number; jitter: number }> = {
  type: 'latency',
  defaults: { latency: 0, jitter: 0 },
  create({ latency, jitter }, ctx) {
    return {
      async transform(chunk, push) {
        const delay = latency + (jitter > 0 ? ctx.rng.int(-jitter, jitter) : 0);
        await sleep(delay - (performance.now() - chunk.at), ctx.signal);
        await push(chunk.data);
      },
    };
  },
};
