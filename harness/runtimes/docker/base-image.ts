import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { InfraError } from '../../errors';
import { ensureDebianPackage } from '../../setup';

export interface BaseImageOptions {
  /** `repo:tag` of the image to make (from compose.yml). */
  image: string;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  /** Where the rootfs tarball is cached between runs. */
  cacheDir?: string;
}

export async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/**
 * No image registry is reachable from these machines, so the base image is made locally:
 * a `debootstrap --variant=minbase bookworm` rootfs with redis-server, plus this machine's Node
 * binary (bookworm ships Node 18; the target needs 20), imported with `docker import`.
 * The rootfs tarball is cached, so a wiped image store costs an import (~5 s), not a debootstrap (~40 s).
 */
export async function ensureBaseImage(docker: Docker, o: BaseImageOptions): Promise<void> {
  if (await imageExists(docker, o.image)) return;
  const cacheDir = o.cacheDir ?? join(o.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'harness');
  const tarball = join(cacheDir, `${o.image.replace(/[^a-zA-Z0-9.-]+/g, '_')}.tar`);
  if (!existsSync(tarball)) await buildRootfsTarball(tarball, o);
  o.log(`importing ${o.image} from ${tarball} ...`);
  const [repo, tag = 'latest'] = splitRef(o.image);
  // dockerode's typings miss importImage's stream-in/stream-out form.
  const importImage = docker.importImage.bind(docker) as unknown as (src: NodeJS.ReadableStream, opts: object) => Promise<NodeJS.ReadableStream>;
  const stream = await importImage(createReadStream(tarball), {
    repo,
    tag,
    changes: ['ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', 'CMD ["/bin/bash"]'],
  });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
  );
  if (!(await imageExists(docker, o.image))) throw new InfraError(`docker import did not produce ${o.image}`);
}

function splitRef(ref: string): [string, string | undefined] {
  const i = ref.lastIndexOf(':');
  return i > ref.lastIndexOf('/') ? [ref.slice(0, i), ref.slice(i + 1)] : [ref, undefined];
}

async function buildRootfsTarball(tarball: string, o: BaseImageOptions): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new InfraError(`base image ${o.image} is missing and building it needs root (debootstrap)`, {
      hint: `run \`sudo npx harness setup --for test\` once, or build it: debootstrap --variant=minbase --include=redis-server,ca-certificates bookworm ROOTFS && tar -C ROOTFS -c . | docker import - ${o.image}`,
    });
  }
  await ensureDebianPackage({ bin: 'debootstrap', pkg: 'debootstrap', log: o.log, env: o.env });
  const work = `${tarball}.rootfs`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  o.log(`debootstrap bookworm into ${work} (about 40 s) ...`);
  try {
    await run('debootstrap', ['--variant=minbase', '--include=redis-server,ca-certificates', 'bookworm', work, o.env.HARNESS_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian']);
    await copyFile(process.execPath, join(work, 'usr/local/bin/node'));
    await run('sh', ['-c', `rm -rf "${work}"/var/cache/apt/archives/*.deb "${work}"/var/lib/apt/lists/*`]);
    await run('tar', ['-C', work, '-cf', `${tarball}.tmp`, '.']);
    await rename(`${tarball}.tmp`, tarball);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new InfraError(`${cmd} exited ${code}: ${err.trim()}`))));
  });
}
