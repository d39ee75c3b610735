import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { InfraError } from '../../errors';
import { ensureDebianPackage, which } from '../../setup';

export interface DaemonOptions {
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  /** Install docker.io and start dockerd when it is not running (needs root). */
  startIfMissing?: boolean;
  timeoutMs?: number;
}

/** A dockerode client for DOCKER_HOST (or the default socket). */
export function dockerClient(env: Record<string, string | undefined>): Docker {
  const host = env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  if (host?.startsWith('tcp://')) {
    const u = new URL(host.replace('tcp://', 'http://'));
    return new Docker({ host: u.hostname, port: Number(u.port || 2375) });
  }
  return new Docker({ socketPath: '/var/run/docker.sock' });
}

export async function pingDocker(docker: Docker, timeoutMs = 2000): Promise<string | undefined> {
  try {
    const v = (await Promise.race([
      docker.version(),
      new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), timeoutMs).unref()),
    ])) as { Version: string };
    return v.Version;
  } catch {
    return undefined;
  }
}

/**
 * Returns a client for a daemon that answers. With `startIfMissing` (tests, `harness setup`),
 * installs docker.io from Debian and starts `dockerd` in the background; the daemon outlives
 * the harness on purpose (its image cache is what makes the next run fast).
 */
export async function ensureDockerDaemon(o: DaemonOptions): Promise<{ docker: Docker; version: string }> {
  const docker = dockerClient(o.env);
  const version = await pingDocker(docker);
  if (version) return { docker, version };
  if (!o.startIfMissing || o.env.DOCKER_HOST) {
    throw new InfraError('Docker daemon not reachable', {
      hint: 'start Docker (e.g. `dockerd &` as root) or set DOCKER_HOST; or use --runtime local',
    });
  }
  await ensureDebianPackage({ bin: 'dockerd', pkg: 'docker.io', log: o.log, env: o.env });
  if (!(await which('iptables', o.env))) await ensureDebianPackage({ bin: 'iptables', pkg: 'iptables', log: o.log, env: o.env });
  o.log('starting dockerd (log: /var/log/harness-dockerd.log) ...');
  const out = openSync('/var/log/harness-dockerd.log', 'a');
  const child = spawn('dockerd', ['--host', 'unix:///var/run/docker.sock'], { detached: true, stdio: ['ignore', out, out] });
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  child.unref();
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    const v = await pingDocker(docker);
    if (v) return { docker, version: v };
    // Ours exiting at once usually means another dockerd holds /var/run/docker.pid and is still
    // starting (two setups at once): keep waiting for the socket while that one lives.
    if (exited !== null && !otherDockerdAlive()) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new InfraError(`dockerd did not come up${exited !== null ? ` (exited ${exited})` : ` within ${(o.timeoutMs ?? 60_000) / 1000}s`}`, {
    hint: 'see /var/log/harness-dockerd.log; containers may be unsupported here, use --runtime local',
  });
}

function otherDockerdAlive(): boolean {
  try {
    const pid = Number(readFileSync('/var/run/docker.pid', 'utf8').trim());
    if (!pid) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
