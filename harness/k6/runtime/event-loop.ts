/**
 * The per-run event loop of k6 modules that call the script back (timers, WebSocket events).
 *
 * k6 runs such callbacks only while the script is not inside a blocking call: during `sleep()` or
 * `http.get()` they wait, and an iteration ends only once no timer, open socket or pending
 * callback is left. Here every VU shares Node's loop, so callbacks that fire while a module call
 * of the run is pending (`blocked > 0`, counted by the runtime's module guard only once a loop
 * exists) are queued and run once it returns. An exception in a callback fails the iteration;
 * what is still pending then is stopped with k6's warning.
 */
import type { Logger } from '../types';

interface Task {
  /** `setTimeout 3`: named in k6's warning when the iteration ends early (null: no warning, as for sockets). */
  name: string | null;
  cancel(): void;
}

export class EventLoop {
  /** Module calls of this run in progress (incremented/decremented by the runtime's guard). */
  blocked = 0;
  private readonly tasks = new Map<object, Task>();
  private queue: Array<() => unknown> = [];
  private flushScheduled = false;
  /** Callbacks that returned a promise not settled yet. */
  private inFlight = 0;
  private failure: { error: unknown } | null = null;
  private isStopped = false;
  private wake: (() => void) | null = null;

  constructor(private readonly logger: Logger) {}

  /** Keeps the run alive until `done(key)`; `cancel` is called if the run ends first. */
  add(key: object, name: string | null, cancel: () => void): void {
    if (!this.isStopped) this.tasks.set(key, { name, cancel });
  }

  done(key: object): void {
    if (this.tasks.delete(key)) this.check();
  }

  /** True once the run is over (its samples would belong to no iteration). */
  get stopped(): boolean {
    return this.isStopped;
  }

  /** Runs a script callback now, or after the blocking call in progress. */
  enqueue(fn: () => unknown): void {
    if (this.isStopped) return;
    if (this.blocked > 0 || this.queue.length > 0) {
      // behind the callbacks already waiting (a flush may be scheduled but not run yet)
      this.queue.push(fn);
      if (this.blocked === 0) this.scheduleFlush();
      return;
    }
    this.invoke(fn);
  }

  unblock(): void {
    this.blocked--;
    if (this.blocked === 0 && this.queue.length > 0) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (!this.flushScheduled) {
      // After the script resumed: it may block again before this runs (then the queue waits on).
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        // One by one: a callback that blocks (sleep) holds the rest until its call returns.
        while (this.queue.length > 0 && this.blocked === 0 && !this.isStopped) this.invoke(this.queue.shift()!);
      });
    }
  }

  private invoke(fn: () => unknown): void {
    let r: unknown;
    try {
      r = fn();
    } catch (e) {
      this.fail(e);
      return;
    }
    if (r !== null && typeof r === 'object' && typeof (r as Promise<unknown>).then === 'function') {
      this.inFlight++;
      (r as Promise<unknown>).then(
        () => {
          this.inFlight--;
          this.check();
        },
        (e) => {
          this.inFlight--;
          this.fail(e);
        },
      );
    }
  }

  private fail(error: unknown): void {
    if (this.isStopped || this.failure) return;
    this.failure = { error };
    this.check();
  }

  private get idle(): boolean {
    return this.tasks.size === 0 && this.inFlight === 0 && this.queue.length === 0;
  }

  private check(): void {
    if ((this.failure || this.idle) && this.wake) {
      const w = this.wake;
      this.wake = null;
      w();
    }
  }

  /** Resolves once nothing is pending; rejects with the first callback exception. */
  drain(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = () => (this.failure ? reject(this.failure.error) : resolve());
      if (this.failure || this.idle) settle();
      else this.wake = settle;
    });
  }

  /** The run is over: cancel what is left (with k6's warning unless `quiet`). */
  stop(quiet = false): void {
    if (this.isStopped) return;
    this.isStopped = true;
    this.queue = [];
    for (const t of this.tasks.values()) {
      if (!quiet && t.name !== null) this.logger.warn(`${t.name} was stopped because the VU iteration was interrupted`);
      t.cancel();
    }
    this.tasks.clear();
  }
}
