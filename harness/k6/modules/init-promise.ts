/**
 * Keeps the init context alive for a Promise a module hands out during init (k6 runs the init
 * context's event loop until it is empty, so `(async () => { f = await open('x') })()` finishes
 * before the first iteration). The task ends a macrotask after the Promise settles: by then the
 * script's continuation has run and registered its next call, so the loop never looks idle
 * between two awaits of one async function.
 */
import type { VUState } from '../types';
import { EventLoop } from '../runtime/event-loop';
import { internalState } from '../runtime/vu-state';

export function holdInit<T>(vu: VUState, p: Promise<T>): Promise<T> {
  const st = internalState(vu);
  if (!st.inInit) return p;
  const loop = (st.initLoop ??= new EventLoop(vu.options.logger));
  const key = {};
  loop.add(key, null, () => {});
  const release = () => setImmediate(() => loop.done(key));
  p.then(release, release);
  return p;
}
