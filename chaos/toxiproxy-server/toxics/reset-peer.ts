import { timer, type ToxicType } from './toxic';

/** Drops data and, after `timeout` ms (0 = at once), resets the connection with TCP RST. */
export const ResetPeerToxic: ToxicType<{ timeout: number }> = {
  type: 'reset_peer',
  defaults: { timeout: 0 },
  create({ timeout }, ctx) {
    timer(Math.max(0, timeout), ctx.signal, () => ctx.reset());
    return { transform: () => undefined };
  },
};
