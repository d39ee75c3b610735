import { cp, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import type { IoContext } from '../io';

export type CapturedContext = IoContext & { out: () => string; err: () => string };

/** An IoContext (a command's context) whose stdout/stderr are captured as text (no TTY). */
export function captureContext(cwd: string, opts: { signal?: AbortSignal; env?: Record<string, string | undefined> } = {}): CapturedContext {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d) => (o += d));
  stderr.on('data', (d) => (e += d));
  return {
    cwd,
    env: { ...process.env, ...opts.env },
    stdout,
    stderr,
    isTTY: false,
    signal: opts.signal ?? new AbortController().signal,
    out: () => o,
    err: () => e,
  };
}

/**
 * A throwaway project dir that sees this checkout's target/, chaos/, scenarios/, vocabulary/, harness/ and
 * node_modules (symlinked) with its own reports/, so a test's runs never mix with others.
 */
export async function throwawayProject(prefix: string, root = resolve('.')): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  for (const d of ['target', 'chaos', 'scenarios', 'vocabulary', 'node_modules', 'harness']) await symlink(join(root, d), join(dir, d));
  for (const f of ['compose.yml', 'package.json', 'package-lock.json', 'tsconfig.json']) await cp(join(root, f), join(dir, f));
  return dir;
}
