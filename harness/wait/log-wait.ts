import { PollingWaitStrategy, DEFAULT_WAIT_TIMEOUT_MS } from './wait-strategy';

/**
 * Ready when a line matching `pattern` has appeared `times` times in a log source. The source
 * is a function returning the text seen so far (a process's captured output), so the same
 * strategy works for child processes and container log streams.
 */
export class LogWaitStrategy extends PollingWaitStrategy {
  constructor(
    readonly read: () => string,
    readonly pattern: RegExp,
    readonly times = 1,
    readonly label = 'log',
    timeoutMs = DEFAULT_WAIT_TIMEOUT_MS,
  ) {
    super(timeoutMs, 50);
  }
  describe(): string {
    return `${this.times > 1 ? `${this.times}x ` : ''}line matching ${this.pattern} in ${this.label}`;
  }
  withTimeout(ms: number): LogWaitStrategy {
    return new LogWaitStrategy(this.read, this.pattern, this.times, this.label, ms);
  }
  protected async probe(): Promise<boolean | string> {
    const flags = this.pattern.flags.includes('g') ? this.pattern.flags : `${this.pattern.flags}g`;
    const n = [...this.read().matchAll(new RegExp(this.pattern.source, flags))].length;
    return n >= this.times ? true : `${n} of ${this.times} seen`;
  }
}
