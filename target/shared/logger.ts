import { pino, type Logger } from 'pino';

/** JSON lines on stdout (one object per line), `component` on every line. */
export function createLogger(component: string, level = 'info', base: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { component, pid: process.pid, ...base }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type { Logger };
