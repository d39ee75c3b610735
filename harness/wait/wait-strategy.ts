import { InfraError, AbortedError } from '../errors';
import { systemClock, type Clock } from './clock';

export interface WaitOptions {
  /** Overall deadline for this strategy. */
  timeoutMs?: number;
  signal?: AbortSignal;
  clock?: Clock;
}

/**
 * Readiness check with an explicit timeout. `waitUntilReady` resolves once ready, or rejects
 * with an InfraError naming what was awaited and for how long.
 */
export interface WaitStrategy {
  /** What is awaited, e.g. `HTTP 200 from http://127.0.0.1:8080/health/ready`. */
  describe(): string;
  waitUntilReady(opts?: WaitOptions): Promise<void>;
  /** Returns a copy of this strategy with another default timeout. */
  withTimeout(ms: number): WaitStrategy;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 30_000;

/**
 * Base for polling strategies: `probe()` returns true when ready, false (or throws) when not
 * yet; the last failure is quoted in the timeout error.
 */
export abstract class PollingWaitStrategy implements WaitStrategy {
  constructor(
    protected readonly timeoutMs = DEFAULT_WAIT_TIMEOUT_MS,
    protected readonly intervalMs = 100,
  ) {}

  abstract describe(): string;
  protected abstract probe(signal: AbortSignal): Promise<boolean | string>;
  abstract withTimeout(ms: number): WaitStrategy;

  async waitUntilReady(opts: WaitOptions = {}): Promise<void> {
    const clock = opts.clock ?? systemClock;
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const start = clock.now();
    let last = 'not ready';
    const probeAbort = new AbortController();
    const onAbort = () => probeAbort.abort(opts.signal!.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (opts.signal?.aborted) throw new AbortedError(`interrupted while waiting for ${this.describe()}`);
        try {
          const r = await this.probe(probeAbort.signal);
          if (r === true) return;
          if (typeof r === 'string') last = r;
        } catch (e) {
          last = e instanceof Error ? e.message : String(e);
        }
        const elapsed = clock.now() - start;
        if (elapsed >= timeoutMs) throw timeoutError(this.describe(), timeoutMs, last);
        try {
          await clock.sleep(Math.min(this.intervalMs, timeoutMs - elapsed), opts.signal);
        } catch {
          throw new AbortedError(`interrupted while waiting for ${this.describe()}`);
        }
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}

export function timeoutError(what: string, timeoutMs: number, last?: string): InfraError {
  return new InfraError(`timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for ${what}${last ? ` (last: ${last})` : ''}`, {
    hint: 'look at the component logs in the run directory (logs/*.log)',
  });
}
