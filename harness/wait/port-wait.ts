import { connect } from 'node:net';
import { PollingWaitStrategy, DEFAULT_WAIT_TIMEOUT_MS } from './wait-strategy';

/** Ready when a TCP connection to host:port succeeds. */
export class PortWaitStrategy extends PollingWaitStrategy {
  constructor(
    readonly port: number,
    readonly host = '127.0.0.1',
    timeoutMs = DEFAULT_WAIT_TIMEOUT_MS,
  ) {
    super(timeoutMs, 50);
  }
  describe(): string {
    return `TCP port ${this.host}:${this.port}`;
  }
  withTimeout(ms: number): PortWaitStrategy {
    return new PortWaitStrategy(this.port, this.host, ms);
  }
  protected probe(): Promise<boolean | string> {
    return new Promise((resolve) => {
      const s = connect({ port: this.port, host: this.host });
      s.setTimeout(2000, () => s.destroy(new Error('connect timed out')));
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', (e) => resolve(e.message));
    });
  }
}
