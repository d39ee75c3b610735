import type { ToxicType } from './toxic';

/**
 * Stops all data from getting through (it is dropped) and closes the connection once no data
 * has come for `timeout` ms (as Toxiproxy, whose timer restarts with every chunk read);
 * `timeout` 0 stalls forever. Removing the toxic closes the connection (Toxiproxy's
 * `Cleanup`), even where toxicity made it a noop.
 */
export const TimeoutToxic: ToxicType<{ timeout: number }> = {
  type: 'timeout',
  defaults: { timeout: 0 },
  closeOnRemove: true,
  create({ timeout }, ctx) {
    if (timeout <= 0) return { transform: () => undefined };
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      if (!ctx.signal.aborted) timer = setTimeout(() => ctx.close(), timeout);
    };
    ctx.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    arm();
    return { transform: arm };
  },
};
