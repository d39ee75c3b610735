import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompileDiagnostic } from './script-compile-error';

/**
 * Content-addressed cache of compiled bundles.
 *
 *   manifests/<sha(entry+settings)>.json  { key, inputs[] }   which files the last compile read
 *   bundles/<key>.js                                          the bundle for that exact content
 *
 * `key` hashes the settings and the content of every input, so a hit needs no compiler at
 * all: re-hash the recorded inputs, compare, copy. Writes are atomic (tmp + rename), so
 * concurrent runs never see a torn bundle.
 */
export class CompileCache {
  constructor(readonly dir: string) {}

  static defaultDir(cwd: string): string {
    const nm = join(cwd, 'node_modules');
    return existsSync(nm) ? join(nm, '.cache', 'harness-build') : join(tmpdir(), 'harness-build-cache');
  }

  /** The bundle recorded for this entry+settings if none of its inputs changed. */
  async lookup(entryKey: string): Promise<{ key: string; code: string; inputs: string[]; warnings: CompileDiagnostic[] } | undefined> {
    let manifest: { key: string; inputs: string[]; warnings?: CompileDiagnostic[] };
    try {
      manifest = JSON.parse(await readFile(this.manifestPath(entryKey), 'utf8'));
    } catch {
      return undefined;
    }
    const key = await contentKey(entryKey, manifest.inputs);
    if (key !== manifest.key) return undefined;
    try {
      return { key, code: await readFile(this.bundlePath(key), 'utf8'), inputs: manifest.inputs, warnings: manifest.warnings ?? [] };
    } catch {
      return undefined;
    }
  }

  async store(entryKey: string, inputs: string[], code: string, warnings: CompileDiagnostic[] = []): Promise<string> {
    const key = await contentKey(entryKey, inputs);
    if (key === undefined) throw new Error('an input vanished while compiling');
    await atomicWrite(this.bundlePath(key), code);
    await atomicWrite(this.manifestPath(entryKey), JSON.stringify({ key, inputs, warnings }));
    return key;
  }

  private manifestPath(entryKey: string): string {
    return join(this.dir, 'manifests', `${sha256(entryKey).slice(0, 32)}.json`);
  }

  private bundlePath(key: string): string {
    return join(this.dir, 'bundles', `${key}.js`);
  }
}

export function sha256(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Hash of settings + every input's path and content; undefined when an input is gone. */
async function contentKey(entryKey: string, inputs: string[]): Promise<string | undefined> {
  const h = createHash('sha256').update(entryKey);
  for (const file of [...inputs].sort()) {
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      return undefined;
    }
    h.update('\0').update(file).update('\0').update(sha256(content));
  }
  return h.digest('hex').slice(0, 32);
}

export async function atomicWrite(path: string, content: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}
