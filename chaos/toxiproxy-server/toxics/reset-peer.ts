import { sleep, timer, type ToxicType } from './toxic';

/**
 * Drops data and, `timeout` ms after the first data (or the end of input) reached it, closes the
 * connection with TCP RST to both sides (SO_LINGER 0), as Toxiproxy. An idle connection is left
 * alone.
 */
export const ResetPeerToxic: ToxicType<{ timeout: number }> = {
  type: 'reset_peer',
  defaults: { timeout: 0 },
  create({ timeout }, ctx) {
    let armed = false;
    const arm = () => {
      if (armed) return;
      armed = true;
      timer(Math.max(0, timeout), ctx.signal, () => ctx.reset());
    };
    return {
      transform: arm,
      async beforeClose() {
        arm();
        await sleep(Math.max(0, timeout) + 1, ctx.signal);
      },
    };
  },
};
