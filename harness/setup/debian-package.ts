import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { InfraError } from '../errors';

/** Resolves an executable on PATH (or an absolute path) without spawning a shell. */
export async function which(bin: string, env: Record<string, string | undefined> = process.env): Promise<string | undefined> {
  if (bin.includes('/')) return (await isExecutable(bin)) ? bin : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, bin);
    if (await isExecutable(candidate)) return candidate;
  }
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/bin']) {
    const candidate = join(dir, bin);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface EnsureOptions {
  /** Binary that proves the package is there (e.g. `redis-server`). */
  bin: string;
  /** Debian package providing it. */
  pkg: string;
  log: (line: string) => void;
  env?: Record<string, string | undefined>;
}

let aptUpdated = false;

/**
 * Makes sure a Debian package's binary exists, installing it with apt when we run as root.
 * Returns the binary's path. Throws an InfraError with the exact command to run otherwise.
 */
export async function ensureDebianPackage(o: EnsureOptions): Promise<string> {
  const found = await which(o.bin, o.env);
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new InfraError(`${o.bin} is not installed`, {
      hint: `install it with: sudo apt-get install -y ${o.pkg}   (or put ${o.bin} on PATH)`,
    });
  }
  o.log(`installing ${o.pkg} from Debian (${o.bin} not found) ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    await exec('apt-get', ['update', '-qq'], env);
    aptUpdated = true;
  }
  await exec('apt-get', ['install', '-y', '-qq', '--no-install-recommends', o.pkg], env);
  const installed = await which(o.bin, o.env);
  if (!installed) throw new InfraError(`installed ${o.pkg} but ${o.bin} is still not on PATH`);
  o.log(`installed ${o.pkg}: ${installed}`);
  return installed;
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => reject(new InfraError(`${cmd} failed to start: ${e.message}`)));
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new InfraError(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.trim().slice(-2000)}`)),
    );
  });
}
