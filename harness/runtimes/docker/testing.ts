import type Docker from 'dockerode';
import { resolveConfig } from '../../config/resolve-config';
import { ensureBaseImage } from './base-image';
import { ensureDockerDaemon } from './docker-daemon';

/**
 * Test setup for Docker-backed suites: makes sure dockerd runs (installing docker.io and starting
 * it when root) and the base image exists (debootstrap once, then cached); skips the suite,
 * printing why, only when dockerd cannot start at all. In CI (CI=true, as root) Docker can run,
 * so not getting it is a failure, never a skip.
 */
export async function dockerOrSkip(ctx: Mocha.Context, cwd = process.cwd()): Promise<Docker> {
  const log = (l: string) => console.log(`    ${l}`);
  let docker: Docker;
  try {
    ({ docker } = await ensureDockerDaemon({ env: process.env, log, startIfMissing: true }));
  } catch (e) {
    if (mustRunInCi()) throw new Error(`CI=true and root, but dockerd cannot start: ${(e as Error).message} (see /var/log/harness-dockerd.log)`);
    console.log(`    skipped: dockerd cannot start here: ${(e as Error).message}`);
    ctx.skip();
  }
  const { config } = resolveConfig({ cwd, env: {} });
  await ensureBaseImage(docker!, { image: config.images.base!, env: process.env, log });
  return docker!;
}

/** In CI the machine is ours (root, fresh): whatever can run there must, not skip. */
export function mustRunInCi(env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(env.CI && env.CI !== 'false' && env.CI !== '0') && process.getuid?.() === 0;
}
