import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import { InfraError } from '../../errors';
import { buildImage } from './image-build';
import { LABEL_CONTEXT_HASH } from './labels';

export const TARGET_DOCKERFILE = 'target/Dockerfile';

/** What the target image is built from: top-level entries of the project root streamed to the daemon. */
export const TARGET_CONTEXT_ENTRIES = ['package.json', 'package-lock.json', 'tsconfig.json', 'node_modules', 'harness', 'chaos', 'target'];
/** Source folders hashed file by file (node_modules is hashed through the lock files npm writes). */
const HASHED_SOURCES = ['harness', 'chaos', 'target'];
const HASHED_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'node_modules/.package-lock.json'];

/** Tests and fixtures never run in the image: left out of the context and of the hash. */
export function excludedFromTargetContext(rel: string): boolean {
  return /\.test\.ts$/.test(rel) || /(^|\/)fixtures(\/|$)/.test(rel);
}

export interface TargetImageOptions {
  /** Project root (may be a directory whose target/ is a symlink: the real root is used). */
  cwd: string;
  tag: string;
  /** `BASE_IMAGE` build arg; must exist locally. */
  baseImage: string;
  log: (line: string) => void;
  signal?: AbortSignal;
}

/** The directory holding target/Dockerfile's project (follows a symlinked target/). */
export function targetContextDir(cwd: string): string {
  try {
    return dirname(dirname(realpathSync(join(cwd, TARGET_DOCKERFILE))));
  } catch {
    throw new InfraError(`${TARGET_DOCKERFILE} not found under ${cwd}`, { hint: 'run the harness from the project root' });
  }
}

/**
 * Hash of everything the image is built from: the Dockerfile and sources (file contents), the
 * lock files (stand-ins for node_modules, whose install npm records in node_modules/.package-lock.json)
 * and the base image id. Stored as a label on the image; a different hash means rebuild.
 */
export async function targetContextHash(contextDir: string, baseImageId: string): Promise<string> {
  const h = createHash('sha256');
  h.update(`base:${baseImageId}\n`);
  for (const f of HASHED_FILES) {
    h.update(`file:${f}\n`);
    h.update(await readFile(join(contextDir, f)).catch(() => Buffer.from('<missing>')));
  }
  for (const dir of HASHED_SOURCES) {
    for (const rel of await listFiles(contextDir, dir)) {
      if (excludedFromTargetContext(rel)) continue;
      h.update(`file:${rel}\n`);
      h.update(await readFile(join(contextDir, rel)));
    }
  }
  return h.digest('hex').slice(0, 32);
}

async function listFiles(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(child);
      else if (e.isFile()) out.push(child);
    }
  };
  await walk(dir);
  return out;
}

/**
 * Builds `tag` from target/Dockerfile unless an image with the same context hash exists.
 * Returns whether it built. The previous image of the tag is removed after a rebuild when no
 * container uses it, so repeated edits do not pile up dangling images.
 */
export async function ensureTargetImage(docker: Docker, o: TargetImageOptions): Promise<{ built: boolean; hash: string; ms: number }> {
  const t0 = Date.now();
  const contextDir = targetContextDir(o.cwd);
  const base = await docker.getImage(o.baseImage).inspect().catch(() => undefined);
  if (!base) throw new InfraError(`base image ${o.baseImage} is missing`, { hint: 'it is created by the docker runtime (ensureBaseImage) or pulled; see docs/runtimes.md' });
  const hash = await targetContextHash(contextDir, base.Id);
  const current = await docker.getImage(o.tag).inspect().catch(() => undefined);
  if (current?.Config?.Labels?.[LABEL_CONTEXT_HASH] === hash) {
    o.log(`image ${o.tag} is up to date (context ${hash.slice(0, 12)})`);
    return { built: false, hash, ms: Date.now() - t0 };
  }
  o.log(current ? `image ${o.tag} is stale (context changed); rebuilding` : `image ${o.tag} is missing; building it`);
  await buildImage(docker, {
    contextDir,
    entries: TARGET_CONTEXT_ENTRIES,
    exclude: excludedFromTargetContext,
    dockerfile: TARGET_DOCKERFILE,
    tag: o.tag,
    buildArgs: { BASE_IMAGE: o.baseImage },
    labels: { [LABEL_CONTEXT_HASH]: hash },
    log: o.log,
    signal: o.signal,
  });
  if (current) await docker.getImage(current.Id).remove().catch(() => {});
  const ms = Date.now() - t0;
  o.log(`built ${o.tag} in ${(ms / 1000).toFixed(1)} s`);
  return { built: true, hash, ms };
}
