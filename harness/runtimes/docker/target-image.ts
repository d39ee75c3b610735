import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import { InfraError } from '../../errors';
import { buildImage } from './image-build';
import { LABEL_CONTEXT_HASH } from './labels';

export const TARGET_DOCKERFILE = 'target/Dockerfile';

/** Top-level files of the project root always in the context (node_modules is copied, not installed). */
const CONTEXT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'node_modules'];
/** Stand-ins for node_modules in the hash: npm records every install in node_modules/.package-lock.json. */
const HASHED_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'node_modules/.package-lock.json'];
/**
 * What runs in the image; their import graphs (plus all of target/) are the sources sent and hashed.
 * The target's entries resolve within target/ (.dependency-cruiser.cjs); the harness/ and chaos/
 * files in the image are there only for the built-in Toxiproxy server's entry.
 */
export const IMAGE_ENTRY_POINTS = ['target/gateway/main.ts', 'target/worker/main.ts', 'harness/runtimes/local/builtin-toxiproxy-main.ts'];

/** Tests, their helpers (target/testing/) and fixtures never run in the image: left out of the context and of the hash. */
export function excludedFromTargetContext(rel: string): boolean {
  return /\.test\.ts$/.test(rel) || /(^|\/)fixtures(\/|$)/.test(rel) || rel.startsWith('target/testing/');
}

/**
 * The source files the image needs: every file of target/ and whatever the entry points import
 * from harness/ and chaos/ (esbuild's metafile, ~50 ms). Sending only these keeps the context
 * small and, above all, means edits elsewhere in harness/ do not trigger a rebuild.
 */
export async function imageSourceFiles(contextDir: string): Promise<string[]> {
  const { build } = await import('esbuild');
  const r = await build({
    entryPoints: IMAGE_ENTRY_POINTS.map((e) => join(contextDir, e)),
    absWorkingDir: contextDir,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: join(contextDir, '.harness-image-probe'),
    logLevel: 'silent',
  }).catch((e: Error) => {
    throw new InfraError(`cannot resolve the target image sources: ${e.message}`, { hint: 'a broken import in target/ or chaos/toxiproxy-server?' });
  });
  const files = new Set(Object.keys(r.metafile.inputs).filter((f) => !f.startsWith('node_modules/') && !f.includes(':')));
  for (const f of await listFiles(contextDir, 'target')) files.add(f);
  return [...files].filter((f) => !excludedFromTargetContext(f)).sort();
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
 * Hash of everything the image is built from: the sources (file contents, incl. target/Dockerfile), the
 * lock files (stand-ins for node_modules, whose install npm records in node_modules/.package-lock.json)
 * and the base image id. Stored as a label on the image; a different hash means rebuild.
 */
export async function targetContextHash(contextDir: string, baseImageId: string, sources: string[]): Promise<string> {
  const h = createHash('sha256');
  h.update(`base:${baseImageId}\n`);
  for (const f of HASHED_FILES) {
    h.update(`file:${f}\n`);
    h.update(await readFile(join(contextDir, f)).catch(() => Buffer.from('<missing>')));
  }
  for (const rel of sources) {
    h.update(`file:${rel}\n`);
    h.update(await readFile(join(contextDir, rel)));
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
  const sources = await imageSourceFiles(contextDir);
  await assertDockerfileCopies(contextDir, sources);
  const hash = await targetContextHash(contextDir, base.Id, sources);
  const current = await docker.getImage(o.tag).inspect().catch(() => undefined);
  if (current?.Config?.Labels?.[LABEL_CONTEXT_HASH] === hash) {
    o.log(`image ${o.tag} is up to date (context ${hash.slice(0, 12)})`);
    return { built: false, hash, ms: Date.now() - t0 };
  }
  o.log(current ? `image ${o.tag} is stale (context changed); rebuilding` : `image ${o.tag} is missing; building it`);
  const build = () =>
    buildImage(docker, {
      contextDir,
      entries: [...CONTEXT_FILES, ...sources],
      // Tool caches (the scenario build cache) change all the time and would defeat the node_modules layer cache.
      exclude: (rel) => rel === 'node_modules/.cache' || rel.startsWith('node_modules/.cache/'),
      dockerfile: TARGET_DOCKERFILE,
      tag: o.tag,
      buildArgs: { BASE_IMAGE: o.baseImage },
      labels: { [LABEL_CONTEXT_HASH]: hash },
      log: o.log,
      signal: o.signal,
    });
  try {
    await build();
  } catch (e) {
    // Another checkout sharing the daemon pruned a cache layer this build was stacking on
    // (`unknown parent image ID`): the cache is gone, so a second build starts clean and works.
    if (!/unknown parent image|failed to set parent|No such image/i.test(String((e as Error).message))) throw e;
    o.log('build lost a cached layer to a concurrent prune; building again');
    await build();
  }
  // Only an image we built (it has our label); `docker rmi` refuses one that still has other tags.
  if (current?.Config?.Labels?.[LABEL_CONTEXT_HASH]) await docker.getImage(current.Id).remove().catch(() => {});
  await pruneSupersededStages(docker);
  const ms = Date.now() - t0;
  o.log(`built ${o.tag} in ${(ms / 1000).toFixed(1)} s`);
  return { built: true, hash, ms };
}

/**
 * The legacy builder keeps the untagged `deps` stage of every build (it is the layer cache). Keep
 * the newest (the next build's cache) and delete the older ones, which nothing uses any more.
 */
async function pruneSupersededStages(docker: Docker): Promise<void> {
  const stages = await docker.listImages({ filters: { dangling: ['true'], label: ['harness.stage=target-deps'] } }).catch(() => []);
  for (const old of stages.sort((a, b) => b.Created - a.Created).slice(1)) await docker.getImage(old.Id).remove().catch(() => {});
}

/**
 * Every top-level folder the image's entry points import from must be COPY'd by the Dockerfile,
 * or the containers die at start with ERR_MODULE_NOT_FOUND. Say so before building, by name.
 */
async function assertDockerfileCopies(contextDir: string, sources: string[]): Promise<void> {
  const dockerfile = await readFile(join(contextDir, TARGET_DOCKERFILE), 'utf8');
  const copied = new Set([...dockerfile.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/).slice(0, -1)));
  const needed = [...new Set(sources.filter((f) => f.includes('/')).map((f) => f.split('/')[0]!))];
  const missing = needed.filter((d) => !copied.has(d));
  if (missing.length) {
    throw new InfraError(`${TARGET_DOCKERFILE} does not copy ${missing.map((d) => `${d}/`).join(', ')}, which the image's entry points import`, {
      hint: `add \`COPY ${missing[0]} ./${missing[0]}\` to the runtime stage of ${TARGET_DOCKERFILE}`,
    });
  }
}
