/**
 * Circuit breaker around Redis writes.
 *
 *   closed ──(N consecutive failures)──▶ open ──(openMs elapsed)──▶ half-open
 *     ▲                                   ▲                            │ one probe call
 *     └────────────── probe succeeds ─────┼──────── probe fails ───────┘
 *
 * While open (and while a half-open probe is in flight) calls fail fast with BreakerOpenError.
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
  openMs: number;
  now?: () => number;
  onStateChange?: (from: BreakerState, to: BreakerState) => void;
}

export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;
  #trips = 0;
  readonly #now: () => number;

  constructor(private readonly opts: BreakerOptions) {
    this.#now = opts.now ?? Date.now;
  }

  /** Current state; an open breaker whose time is up reports half-open. */
  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.opts.openMs) return 'half-open';
    return this.#state;
  }

  get trips(): number {
    return this.#trips;
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** Milliseconds until a probe is allowed (0 when closed). */
  retryAfterMs(): number {
    if (this.#state === 'closed') return 0;
    return Math.max(0, this.opts.openMs - (this.#now() - this.#openedAt));
  }

  async exec<T>(fn: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.#probing)) throw new BreakerOpenError(Math.max(this.retryAfterMs(), 100));
    const probe = state === 'half-open';
    if (probe) {
      this.#set('half-open');
      this.#probing = true;
    }
    try {
      const v = await fn();
      this.#onSuccess();
      return v;
    } catch (e) {
      this.#onFailure(probe);
      throw e;
    } finally {
      if (probe) this.#probing = false;
    }
  }

  reset(): void {
    this.#failures = 0;
    this.#set('closed');
  }

  #onSuccess(): void {
    this.#failures = 0;
    if (this.#state !== 'closed') this.#set('closed');
  }

  #onFailure(probe: boolean): void {
    this.#failures++;
    if (probe || (this.#state === 'closed' && this.#failures >= this.opts.failureThreshold)) {
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
