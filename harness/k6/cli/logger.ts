import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { logfmtLine } from '../output/banner';
import type { Logger } from '../types';

/** k6's text logger (`time="…" level=info msg="…" source=console`) on a stream; `none` drops everything. */
export function createK6Logger(spec: string, io: { stdout: Writable; stderr: Writable; cwd: string }, verbose: boolean): { logger: Logger; close(): Promise<void> } {
  let out: Writable | null;
  let close = async () => {};
  if (spec === 'none') out = null;
  else if (spec === 'stdout') out = io.stdout;
  else if (spec.startsWith('file=')) {
    const file = createWriteStream(resolve(io.cwd, spec.slice(5).split(',')[0]), { flags: 'a' });
    out = file;
    close = () => new Promise<void>((r) => file.end(() => r()));
  } else out = io.stderr;
  const w = (level: 'debug' | 'info' | 'warning' | 'error') => (msg: string, fields?: Record<string, unknown>) => {
    if (!out || (level === 'debug' && !verbose)) return;
    out.write(logfmtLine(level, msg, fields));
  };
  return { logger: { debug: w('debug'), info: w('info'), warn: w('warning'), error: w('error') }, close };
}
