/**
 * `k6/experimental/timers`: setTimeout, clearTimeout, setInterval, clearInterval on the run's
 * event loop (runtime/event-loop.ts). As in k6 v0.48: ids are numbers counted per VU from 1, a
 * callback never runs while the script is inside a blocking call (`sleep`, `http.get`), the
 * iteration ends only once every timer has fired or been cleared, and timers still pending when
 * it ends early are stopped with "setTimeout N was stopped because the VU iteration was interrupted".
 */
import type { ModuleFactory, VUState } from '../types';
import { EventLoop } from '../runtime/event-loop';
import { internalState } from '../runtime/vu-state';

export const timersModule: ModuleFactory = (vu: VUState) => {
  const st = internalState(vu);
  let nextId = 0;
  /** Live timers of this VU by id (they belong to the run that created them). */
  const live = new Map<number, { handle: NodeJS.Timeout; key: object; loop: ReturnType<typeof loopOf> }>();
  const loopOf = () => {
    const run = st.run;
    if (run !== null) return run.eventLoop(vu.options.logger);
    if (st.inInit) return (st.initLoop ??= new EventLoop(vu.options.logger));
    throw new Error('timers need a running VU (init, setup, an iteration or teardown)');
  };

  const start = (kind: 'setTimeout' | 'setInterval', cb: unknown, delay: unknown, args: unknown[]): number => {
    if (typeof cb !== 'function') throw new TypeError(`${kind}'s callback isn't a callable function`);
    const loop = loopOf();
    const id = ++nextId;
    const ms = Math.max(0, Number(delay) || 0);
    const key = {};
    const clear = () => {
      const t = live.get(id);
      if (!t) return;
      live.delete(id);
      clearTimeout(t.handle);
      clearInterval(t.handle);
    };
    const fire = () => loop.enqueue(() => {
      if (kind === 'setTimeout') {
        live.delete(id);
        loop.done(key);
      } else if (!live.has(id)) return undefined;
      return (cb as (...a: unknown[]) => unknown)(...args);
    });
    const handle = kind === 'setTimeout' ? setTimeout(fire, ms) : setInterval(fire, Math.max(1, ms));
    live.set(id, { handle, key, loop });
    loop.add(key, `${kind} ${id}`, clear);
    return id;
  };
  const stop = (id: unknown) => {
    const t = live.get(Number(id));
    if (!t) return;
    live.delete(Number(id));
    clearTimeout(t.handle);
    clearInterval(t.handle);
    t.loop.done(t.key);
  };

  const exports = {
    setTimeout: (cb: unknown, delay?: unknown, ...args: unknown[]) => start('setTimeout', cb, delay, args),
    clearTimeout: stop,
    setInterval: (cb: unknown, delay?: unknown, ...args: unknown[]) => start('setInterval', cb, delay, args),
    clearInterval: stop,
  };
  return { ...exports, default: exports };
};
