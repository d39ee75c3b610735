import { sleep, type ToxicType } from './toxic';

/**
 * Slices data into smaller chunks of `average_size` ± `size_variation` bytes, waiting `delay`
 * microseconds between them (simulates fragmented packets). `average_size` 0 = off.
 */
export const SlicerToxic: ToxicType<{ average_size: number; size_variation: number; delay: number }> = {
  type: 'slicer',
  defaults: { average_size: 0, size_variation: 0, delay: 0 },
  create({ average_size, size_variation, delay }, ctx) {
    return {
      async transform(chunk, push) {
        if (average_size <= 0 || ctx.signal.aborted) return push(chunk.data);
        let data = chunk.data;
        while (data.length > 0) {
          const variation = size_variation > 0 ? ctx.rng.int(-size_variation, size_variation) : 0;
          const size = Math.max(1, average_size + variation);
          await push(data.subarray(0, size));
          data = data.subarray(size);
          if (data.length > 0) await sleep(delay / 1000, ctx.signal);
        }
      },
    };
  },
};
