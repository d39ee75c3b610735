import { sleep, type ToxicType } from './toxic';

/** Delays closing the output by `delay` ms after the input closed. */
export const SlowCloseToxic: ToxicType<{ delay: number }> = {
  type: 'slow_close',
  defaults: { delay: 0 },
  create({ delay }, ctx) {
    return {
      beforeClose: () => sleep(delay, ctx.signal),
    };
  },
};
