import type { Rng } from '../../random';

/** A piece of a TCP stream as it passes through a link; `at` is when it was read (ms, monotonic). */
export interface Chunk {
  data: Buffer;
  at: number;
}

/**
 * What a toxic instance may do to the connection it sits on. One instance exists per toxic per
 * link (connection direction), created when the toxic is added or the connection opens.
 */
export interface ToxicContext {
  rng: Rng;
  /** Aborted when the toxic is removed/updated or the connection closes: waits must end early. */
  signal: AbortSignal;
  /** Close the whole connection (FIN both ways), after the chunk being processed is written. */
  closeAfterWrite(): void;
  /** Close the whole connection now. */
  close(): void;
  /** Close with TCP RST to both sides (SO_LINGER 0 on both sockets), as `reset_peer`. */
  reset(): void;
}

/** A live toxic on one link. Every member is optional: `{}` is the noop toxic. */
export interface ToxicInstance {
  /**
   * One chunk in; `push` passes data on to the next toxic in the chain (not calling it drops the
   * chunk). Called serially, in stream order; absent = pass through. Waiting is allowed but must
   * end when `ctx.signal` aborts (then pass the data on unchanged).
   */
  transform?(chunk: Chunk, push: (data: Buffer) => Promise<void>): void | Promise<void>;
  /** Called when the input ended, before the output is closed (slow_close waits here). */
  beforeClose?(): Promise<void>;
}

/** A toxic type: its attributes (in Toxiproxy's JSON field order, with defaults) and a factory. */
export interface ToxicType<A extends Record<string, number> = Record<string, number>> {
  readonly type: string;
  /** Default attributes; key order is the order they are serialised in. */
  readonly defaults: Readonly<A>;
  /**
   * Removing the toxic closes the connections it sits on, whether or not toxicity made it act
   * there (Toxiproxy's `CleanupToxic`, which only `timeout` implements).
   */
  readonly closeOnRemove?: boolean;
  create(attributes: A, ctx: ToxicContext): ToxicInstance;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Resolves once `performance.now() >= due` (ms, monotonic), or at once when `signal` aborts.
 * Node's timers count from the event loop's cached clock, which can lag the real one by up to
 * ~1 ms, so a timer may fire early: re-arm for the rest until the due time has really passed.
 */
export async function sleepUntil(due: number, signal: AbortSignal): Promise<void> {
  for (let left = due - performance.now(); left > 0 && !signal.aborted; left = due - performance.now()) {
    await sleep(Math.max(1, Math.ceil(left)), signal);
  }
}

/** A timer cleared when `signal` aborts. */
export function timer(ms: number, signal: AbortSignal, fn: () => void): void {
  if (signal.aborted) return;
  const t = setTimeout(fn, ms);
  signal.addEventListener('abort', () => clearTimeout(t), { once: true });
}

export const NoopToxic: ToxicInstance = {};
