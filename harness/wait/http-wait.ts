import { request } from 'node:http';
import { PollingWaitStrategy, DEFAULT_WAIT_TIMEOUT_MS } from './wait-strategy';

/** Ready when `GET url` answers with one of `statuses` (default 200). */
export class HttpWaitStrategy extends PollingWaitStrategy {
  constructor(
    readonly url: string,
    readonly statuses: number[] = [200],
    timeoutMs = DEFAULT_WAIT_TIMEOUT_MS,
  ) {
    super(timeoutMs);
  }
  describe(): string {
    return `HTTP ${this.statuses.join('|')} from GET ${this.url}`;
  }
  withTimeout(ms: number): HttpWaitStrategy {
    return new HttpWaitStrategy(this.url, this.statuses, ms);
  }
  protected probe(signal: AbortSignal): Promise<boolean | string> {
    return new Promise((resolve) => {
      const req = request(this.url, { method: 'GET', signal, timeout: 2000, agent: false }, (res) => {
        res.resume();
        const ok = this.statuses.includes(res.statusCode ?? 0);
        resolve(ok ? true : `status ${res.statusCode}`);
      });
      req.on('timeout', () => req.destroy(new Error('request timed out after 2 s')));
      req.on('error', (e) => resolve(e.message));
      req.end();
    });
  }
}
