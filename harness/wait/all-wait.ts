import { DEFAULT_WAIT_TIMEOUT_MS, type WaitOptions, type WaitStrategy } from './wait-strategy';

/** Ready when all strategies are, awaited concurrently under one deadline. */
export class AllWaitStrategy implements WaitStrategy {
  constructor(
    readonly strategies: WaitStrategy[],
    readonly timeoutMs = DEFAULT_WAIT_TIMEOUT_MS,
  ) {}
  describe(): string {
    return this.strategies.map((s) => s.describe()).join(' and ');
  }
  withTimeout(ms: number): AllWaitStrategy {
    return new AllWaitStrategy(this.strategies, ms);
  }
  async waitUntilReady(opts: WaitOptions = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    await Promise.all(this.strategies.map((s) => s.waitUntilReady({ ...opts, timeoutMs })));
  }
}
