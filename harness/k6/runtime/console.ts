/**
 * The script's `console`: k6 routes it through its logger with `source=console`.
 * Objects print as JSON, like k6 (goja) does; errors as `Name: message`.
 */
import type { Logger } from '../types';

export function formatLogArg(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return `[object Function]`;
  if (typeof v === 'symbol' || typeof v === 'bigint') return v.toString();
  if (v && typeof v === 'object') {
    if ('message' in v && 'stack' in v) return `${String((v as Error).name)}: ${String((v as Error).message)}`;
    try {
      return JSON.stringify(v) ?? String(v);
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
