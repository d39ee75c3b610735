import { pino, type Logger } from 'pino';

/** JSON lines on stdout (one object per line), `component` on every line. */
export function createLogger(component: string, level = 'info', base: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { component, pid: process.pid, ...base }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type { Logger };

/**
 * The one line launchers wait for ("gateway listening", "worker ready"): printed whatever
 * LOG_LEVEL says, so `LOG_LEVEL=error` still lets a supervisor see the process is up.
 */
export function announce(component: string, msg: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(JSON.stringify({ level: 30, time: new Date().toISOString(), component, pid: process.pid, ...fields, msg }) + '\n');
}
