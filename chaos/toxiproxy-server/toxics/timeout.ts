import { timer, type ToxicType } from './toxic';

/**
 * Stops all data from getting through (it is dropped) and closes the connection after `timeout`
 * ms; `timeout` 0 stalls forever, until the toxic is removed.
 */
export const TimeoutToxic: ToxicType<{ timeout: number }> = {
  type: 'timeout',
  defaults: { timeout: 0 },
  create({ timeout }, ctx) {
    if (timeout > 0) timer(timeout, ctx.signal, () => ctx.close());
    return { transform: () => undefined };
  },
};
