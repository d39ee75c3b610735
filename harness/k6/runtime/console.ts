/**
 * The script's `console`: k6 routes it through its logger with `source=console`.
 * Objects (errors and functions too) print as `JSON.stringify` makes them, like k6 v0.48 (goja's
 * MarshalJSON): an Error is `{}`, a function `null`; an object JSON refuses (a cycle) as its String().
 */
import type { Logger } from '../types';

export function formatLogArg(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return 'undefined';
  if (typeof v === 'symbol' || typeof v === 'bigint') return v.toString();
  if (typeof v === 'function' || (v && typeof v === 'object')) {
    try {
      return JSON.stringify(v) ?? 'null';
    } catch {
      return String(v);
    }
  }
  return String(v);
}

export function createConsole(logger: Logger): Record<string, (...args: unknown[]) => void> {
  const fields = { source: 'console' };
  const line = (args: unknown[]) => args.map(formatLogArg).join(' ');
  return {
    log: (...a) => logger.info(line(a), fields),
    info: (...a) => logger.info(line(a), fields),
    debug: (...a) => logger.debug(line(a), fields),
    warn: (...a) => logger.warn(line(a), fields),
    error: (...a) => logger.error(line(a), fields),
    trace: (...a) => logger.debug(line(a), fields),
  };
}
