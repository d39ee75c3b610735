import { AllWaitStrategy } from './all-wait';
import { HttpWaitStrategy } from './http-wait';
import { LogWaitStrategy } from './log-wait';
import { PortWaitStrategy } from './port-wait';
import type { WaitStrategy } from './wait-strategy';

/** Factories for readiness checks: `Wait.forHttp(url)`, `Wait.forAll([...])`. */
export const Wait = {
  forHttp: (url: string, statuses: number[] = [200], timeoutMs?: number) => new HttpWaitStrategy(url, statuses, timeoutMs),
  forPort: (port: number, host = '127.0.0.1', timeoutMs?: number) => new PortWaitStrategy(port, host, timeoutMs),
  forLogMessage: (read: () => string, pattern: RegExp, opts: { times?: number; label?: string; timeoutMs?: number } = {}) =>
    new LogWaitStrategy(read, pattern, opts.times, opts.label, opts.timeoutMs),
  forAll: (strategies: WaitStrategy[], timeoutMs?: number) => new AllWaitStrategy(strategies, timeoutMs),
};
