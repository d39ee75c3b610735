/**
 * Circuit breaker around Redis writes.
 *
 *   closed ──(N consecutive failures)──▶ open ──(open interval elapsed, or probeNow())──▶ half-open
 *     ▲                                   ▲                                                │ one probe call
 *     └────────────── probe succeeds ─────┼──────────────── probe fails ──────────────────┘
 *
 * While open, calls fail fast with BreakerOpenError. While the half-open probe is in flight,
 * other calls wait for its verdict (it is bounded by the command timeout) and then run or fail
 * fast: failing them would turn the moment of recovery into a burst of needless 503s.
 * The open interval adapts: `minOpenMs` after a trip from closed, doubled after each failed
 * probe, at most `openMs`. A short outage is thus noticed within ~minOpenMs of its end, while a
 * long one costs at most one probe per `openMs`. `probeNow()` ends the interval early when the
 * dependency says it is back (the Redis client reconnected), so recovery does not wait for a timer.
 * The clock is injectable so tests need no sleeps.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export class BreakerOpenError extends Error {
  constructor(readonly retryAfterMs: number) {
    super('circuit breaker open');
    this.name = 'BreakerOpenError';
  }
}

export interface BreakerOptions {
  failureThreshold: number;
  /** The longest open interval (the cap of the doubling). */
  openMs: number;
  /** The first open interval after a trip from closed (default min(500, openMs)). */
  minOpenMs?: number;
  now?: () => number;
  onStateChange?: (from: BreakerState, to: BreakerState) => void;
}

export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #openFor: number;
  /** The half-open probe in flight, if any. */
  #probe: Promise<unknown> | undefined;
  /** probeNow() was called while that probe was in flight. */
  #nudged = false;
  #trips = 0;
  readonly #now: () => number;
  readonly #minOpenMs: number;

  constructor(private readonly opts: BreakerOptions) {
    this.#now = opts.now ?? Date.now;
    this.#minOpenMs = Math.min(opts.minOpenMs ?? 500, opts.openMs);
    this.#openFor = this.#minOpenMs;
  }

  /** Current state; an open breaker whose time is up reports half-open. */
  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.#openFor) return 'half-open';
    return this.#state;
  }

  get trips(): number {
    return this.#trips;
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** The current open interval (ms): what the next (or running) open period lasts. */
  get openIntervalMs(): number {
    return this.#openFor;
  }

  /** Milliseconds until a probe is allowed (0 when closed). */
  retryAfterMs(): number {
    if (this.#state === 'closed') return 0;
    return Math.max(0, this.#openFor - (this.#now() - this.#openedAt));
  }

  /**
   * The dependency signalled it is reachable again: if open, the next call is the half-open
   * probe now instead of after the interval. A no-op when closed.
   */
  probeNow(): void {
    if (this.#state === 'open') this.#set('half-open');
    // A probe already in flight may have been sent before the reconnect and fail for that:
    // then the next call probes again at once instead of waiting out a doubled interval.
    else if (this.#probe) this.#nudged = true;
  }

  async exec<T>(fn: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open') throw new BreakerOpenError(Math.max(this.retryAfterMs(), 100));
    if (this.#probe) {
      await this.#probe.catch(() => {});
      return this.exec(fn); // closed: run; reopened: fail fast
    }
    if (state === 'closed') {
      try {
        const v = await fn();
        this.#onSuccess();
        return v;
      } catch (e) {
        this.#onFailure(false);
        throw e;
      }
    }
    this.#set('half-open');
    const probe = (async () => fn())(); // a synchronous throw is a failed probe too
    this.#probe = probe;
    try {
      const v = await probe;
      this.#onSuccess();
      return v;
    } catch (e) {
      this.#onFailure(true);
      if (this.#nudged) this.#set('half-open');
      throw e;
    } finally {
      this.#probe = undefined;
      this.#nudged = false;
    }
  }

  reset(): void {
    this.#failures = 0;
    this.#openFor = this.#minOpenMs;
    this.#set('closed');
  }

  #onSuccess(): void {
    this.#failures = 0;
    if (this.#state !== 'closed') {
      this.#openFor = this.#minOpenMs;
      this.#set('closed');
    }
  }

  #onFailure(probe: boolean): void {
    this.#failures++;
    if (probe || (this.#state === 'closed' && this.#failures >= this.opts.failureThreshold)) {
      this.#openFor = probe ? Math.min(this.#openFor * 2, this.opts.openMs) : this.#minOpenMs;
      this.#openedAt = this.#now();
      this.#trips++;
      this.#set('open');
    }
  }

  #set(to: BreakerState): void {
    const from = this.#state;
    this.#state = to;
    if (from !== to) this.opts.onStateChange?.(from, to);
  }
}
