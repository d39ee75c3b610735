import type { ToxicType } from './toxic';

/**
 * Closes the connection once `bytes` bytes have passed (the last chunk is cut to fit). With 0,
 * the first data closes it and nothing passes (as Toxiproxy).
 */
export const LimitDataToxic: ToxicType<{ bytes: number }> = {
  type: 'limit_data',
  defaults: { bytes: 0 },
  create({ bytes }, ctx) {
    let passed = 0;
    return {
      async transform(chunk, push) {
        const room = Math.max(0, bytes - passed);
        if (chunk.data.length < room) {
          passed += chunk.data.length;
          return push(chunk.data);
        }
        passed = bytes;
        ctx.closeAfterWrite();
        if (room > 0) await push(chunk.data.subarray(0, room));
      },
    };
  },
};
