import { sleep, type ToxicType } from './toxic';

/**
 * Limits throughput to `rate` KB/s (1 KB = 1000 bytes, as Toxiproxy). Large chunks go out in
 * 100 ms slices so the stream flows rather than arriving in bursts. `rate` 0 = unlimited.
 */
export const BandwidthToxic: ToxicType<{ rate: number }> = {
  type: 'bandwidth',
  defaults: { rate: 0 },
  create({ rate }, ctx) {
    let debt = 0; // ms owed, carried over between chunks
    return {
      async transform(chunk, push) {
        if (rate <= 0 || ctx.signal.aborted) return push(chunk.data);
        let data = chunk.data;
        debt += data.length / rate;
        const slice = rate * 100;
        while (data.length > slice && !ctx.signal.aborted) {
          await sleep(100, ctx.signal);
          await push(data.subarray(0, slice));
          data = data.subarray(slice);
          debt -= 100;
        }
        const start = performance.now();
        await sleep(debt, ctx.signal);
        // A late timer leaves credit for the next chunk (as Toxiproxy's `sleep -= time.Since(start)`).
        debt -= performance.now() - start;
        await push(data);
      },
    };
  },
};
