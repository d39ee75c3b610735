/**
 * Promise-returning k6 APIs (`k6/experimental/redis`, `http.asyncRequest`): as in k6, the run
 * (iteration, setup, teardown) ends only once the Promises it started have settled and the
 * script's reactions to them (`.then` callbacks) have run, even when the script does not await
 * them. Each pending Promise keeps the run's event loop alive until one macrotask after it settles.
 */
import type { VUState } from '../types';
import { internalState } from '../runtime/vu-state';

export function keepRunAlive<T>(vu: VUState, p: Promise<T>): Promise<T> {
  const run = internalState(vu).run;
  if (run === null) return p;
  const loop = run.eventLoop(vu.options.logger);
  const key = {};
  loop.add(key, null, () => {});
  const done = () => setImmediate(() => loop.done(key));
  p.then(done, done);
  return p;
}
