/**
 * Globals k6 v0.48 provides that @types/k6 0.48 does not declare. The compile step adds this
 * file to every type-check (also for scripts outside scenarios/), so `console.log` type-checks
 * without pulling in the DOM lib (which would claim `fetch`, `window`, ... exist in a VU).
 */
interface K6Console {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}
declare var console: K6Console;

/** k6 >= 0.43 has the timers globally (k6/timers). */
declare function setTimeout(callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): number;
declare function clearTimeout(id?: number): void;
declare function setInterval(callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): number;
declare function clearInterval(id?: number): void;
