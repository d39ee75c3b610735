import type { CommandContext } from '../context';
import { resolveConfig } from '../../config/resolve-config';
import { ensureDebianPackage, which } from '../../setup';
import { ExitCode, isHarnessError } from '../../errors';

export interface SetupOptions {
  for: 'run' | 'test';
}

/**
 * Installs what a run (or the test suite) needs from Debian; each step is skipped when present,
 * so running it again is cheap. `--for test` (npm test's pretest) also gets the Docker tests
 * going: docker.io, a running dockerd (in the background, log in /var/log/harness-dockerd.log)
 * and the locally made base image, so in CI (root, fresh machine) they run instead of skipping.
 * Without root it prints the commands to run instead.
 */
export async function setup(opts: SetupOptions, ctx: CommandContext): Promise<number> {
  const log = (line: string) => ctx.stderr.write(`setup: ${line}\n`);
  await ensureDebianPackage({ bin: 'redis-server', pkg: 'redis-server', log, env: ctx.env });
  if (opts.for === 'test') {
    // wrk is the near-physical-limit load generator the benchmarks compare against.
    await ensureDebianPackage({ bin: 'wrk', pkg: 'wrk', log, env: ctx.env });
    // a real server speaking InfluxDB's /api/v2/write for the --out influxdb tests
    await ensureDebianPackage({ bin: 'victoria-metrics', pkg: 'victoria-metrics', log, env: ctx.env });
    // InfluxDB 1.x runs every Grafana panel's InfluxQL in the dashboards' test
    await ensureDebianPackage({ bin: 'influxd', pkg: 'influxdb', log, env: ctx.env });
    // The report's tests: the page in a real headless browser, junit.xml against its schema.
    await ensureDebianPackage({ bin: 'chromium', pkg: 'chromium', log, env: ctx.env });
    await ensureDebianPackage({ bin: 'xmllint', pkg: 'libxml2-utils', log, env: ctx.env });
    await setupDocker(ctx, log);
  }
  return ExitCode.Ok;
}

async function setupDocker(ctx: CommandContext, log: (line: string) => void): Promise<void> {
  const { ensureDockerDaemon, ensureBaseImage, pingDocker, dockerClient } = await import('../../runtimes/docker');
  const say = (l: string) => log(`docker: ${l}`);
  const isRoot = process.getuid?.() === 0;
  let docker = dockerClient(ctx.env);
  let version = await pingDocker(docker);
  if (!version && ctx.env.DOCKER_HOST) {
    say(`nothing answers at DOCKER_HOST=${ctx.env.DOCKER_HOST}; the Docker tests will be skipped (each says why)`);
    return;
  }
  if (!version && !isRoot) {
    const install = (await which('dockerd', ctx.env)) ? '' : 'sudo apt-get install -y docker.io && ';
    say(`dockerd is not running and starting it needs root; run: ${install}sudo sh -c 'dockerd >>/var/log/harness-dockerd.log 2>&1 &'`);
    say('without it the Docker tests are skipped (each says why)');
    return;
  }
  if (!version) {
    const t0 = Date.now();
    ({ docker, version } = await ensureDockerDaemon({ env: ctx.env, log: say, startIfMissing: true }));
    say(`dockerd started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  say(`daemon ${version} answers`);
  const { config } = resolveConfig({ cwd: ctx.cwd, env: {} });
  if (!config.images.base) return;
  const t1 = Date.now();
  try {
    await ensureBaseImage(docker, { image: config.images.base, env: ctx.env, log: say });
  } catch (e) {
    // Without root the base image cannot be made (debootstrap): say how, the tests will skip.
    if (isRoot || !isHarnessError(e)) throw e;
    say(`${e.message}${e.hint ? `; ${e.hint}` : ''}`);
    return;
  }
  say(`base image ${config.images.base} ready (${((Date.now() - t1) / 1000).toFixed(1)} s)`);
}
