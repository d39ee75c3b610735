import type Docker from 'dockerode';
import { resolveConfig } from '../../config/resolve-config';
import { ensureBaseImage } from './base-image';
import { ensureDockerDaemon } from './docker-daemon';

/**
 * Test setup for Docker-backed suites: makes sure dockerd runs (installing docker.io and starting
 * it when root) and the base image exists (debootstrap once, then cached); skips the suite,
 * printing why, only when dockerd cannot start at all.
 */
export async function dockerOrSkip(ctx: Mocha.Context, cwd = process.cwd()): Promise<Docker> {
  const log = (l: string) => console.log(`    ${l}`);
  let docker: Docker;
  try {
    ({ docker } = await ensureDockerDaemon({ env: process.env, log, startIfMissing: true }));
  } catch (e) {
    console.log(`    skipped: dockerd cannot start here: ${(e as Error).message}`);
    ctx.skip();
  }
  const { config } = resolveConfig({ cwd, env: {} });
  await ensureBaseImage(docker!, { image: config.images.base!, env: process.env, log });
  return docker!;
}
