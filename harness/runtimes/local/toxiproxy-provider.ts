import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toxiproxyClient } from '../../../chaos/toxiproxy-client';
import { InfraError } from '../../errors';
import { which } from '../../setup';
import { Wait } from '../../wait';
import { ManagedProcess, type ProcessDeps } from './managed-process';

/** A running Toxiproxy-compatible server owned by a local stack. */
export interface StartedToxiproxy {
  /** `binary` (toxiproxy-server from PATH) or `builtin` (chaos/ server, as a child process). */
  readonly kind: ToxiproxyKind;
  readonly apiUrl: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

export type ToxiproxyKind = 'binary' | 'builtin';
/** `auto`: the real binary when on PATH, else the built-in server, else none. */
export type ToxiproxyChoice = ToxiproxyKind | 'auto' | 'none';

export interface ToxiproxyStartOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  port: number;
  /** Seeds the built-in server's RNG (jitter, toxicity) so faults replay for a seed. */
  seed?: number;
  /** The built-in server requires it (HARNESS_TOXIPROXY_TOKEN in its environment); real Toxiproxy has none. */
  token?: string;
  logFile: string;
  deps: ProcessDeps;
}

/** The built-in server runs as a child process through this entry (see builtin-toxiproxy-main.ts). */
const BUILTIN_MAIN = fileURLToPath(new URL('./builtin-toxiproxy-main.ts', import.meta.url));

async function builtinAvailable(cwd: string): Promise<boolean> {
  return existsSync(join(cwd, 'chaos/toxiproxy-server/index.ts')) || existsSync(fileURLToPath(new URL('../../../chaos/toxiproxy-server/index.ts', import.meta.url)));
}

/** Which server `auto` would pick, and why not the others (for messages and `harness doctor`). */
export async function detectToxiproxy(cwd: string, env: Record<string, string | undefined>): Promise<{ kind: ToxiproxyKind | 'none'; detail: string }> {
  const bin = await which(env.TOXIPROXY_BIN ?? 'toxiproxy-server', env);
  if (bin) return { kind: 'binary', detail: bin };
  if (await builtinAvailable(cwd)) return { kind: 'builtin', detail: 'built-in Toxiproxy-compatible server (chaos/)' };
  return { kind: 'none', detail: 'no toxiproxy-server on PATH and the built-in server is not available' };
}

export async function startToxiproxy(choice: ToxiproxyChoice, o: ToxiproxyStartOptions): Promise<StartedToxiproxy | undefined> {
  if (choice === 'none') return undefined;
  let kind: ToxiproxyKind | 'none' = choice === 'auto' ? 'none' : choice;
  if (choice === 'auto') {
    const found = await detectToxiproxy(o.cwd, o.env);
    kind = found.kind;
    if (kind === 'none') {
      o.deps.log?.(`toxiproxy: ${found.detail}; running without proxies (no faults can be injected)`);
      return undefined;
    }
  }
  const apiUrl = `http://127.0.0.1:${o.port}`;
  if (kind === 'binary') {
    const bin = await which(o.env.TOXIPROXY_BIN ?? 'toxiproxy-server', o.env);
    if (!bin) throw new InfraError('toxiproxy-server is not on PATH', { hint: 'install Toxiproxy 2.x, or use --toxiproxy builtin / none' });
    const proc = await ManagedProcess.start(
      {
        component: 'toxiproxy',
        command: bin,
        args: ['-host', '127.0.0.1', '-port', String(o.port)],
        cwd: o.cwd,
        env: o.env,
        logFile: o.logFile,
        ready: () => Wait.forHttp(`${apiUrl}/version`),
        readyTimeoutMs: 15_000,
      },
      o.deps,
    );
    return { kind: 'binary', apiUrl, process: proc, stop: () => proc.stop() };
  }
  if (!(await builtinAvailable(o.cwd))) {
    throw new InfraError('the built-in Toxiproxy server (chaos/toxiproxy-server) is not in this checkout', { hint: 'use --toxiproxy none, or put toxiproxy-server on PATH' });
  }
  const proc = await ManagedProcess.start(
    {
      component: 'toxiproxy',
      command: process.execPath,
      args: ['--import', 'tsx', BUILTIN_MAIN, String(o.port), ...(o.seed === undefined ? [] : [String(o.seed)])],
      cwd: o.cwd,
      // The token goes by environment, never argv (`ps` shows argv).
      env: { ...o.env, HARNESS_TOXIPROXY_TOKEN: o.token },
      logFile: o.logFile,
      // With a token, the probe (which sends none) gets 401: the server is answering.
      ready: () => Wait.forHttp(`${apiUrl}/version`, o.token ? [200, 401] : [200]),
      readyTimeoutMs: 20_000,
      stopGraceMs: 3000,
    },
    o.deps,
  );
  return { kind: 'builtin', apiUrl, process: proc, stop: () => proc.stop() };
}

export interface ToxiproxyCallOptions {
  /** The built-in server's API token (HARNESS_TOXIPROXY_TOKEN). */
  token?: string;
  timeoutMs?: number;
}

/** Creates one proxy through the Toxiproxy API, with a timeout on the control call. */
export async function createProxy(apiUrl: string, name: string, listen: string, upstream: string, { token, timeoutMs = 5000 }: ToxiproxyCallOptions = {}): Promise<void> {
  const client = toxiproxyClient(apiUrl, { token });
  await withTimeout(client.createProxy({ name, listen, upstream, enabled: true }), timeoutMs, `creating Toxiproxy proxy ${name} on ${apiUrl}`);
}

/** Deletes proxies by name (missing ones are fine). */
export async function deleteProxies(apiUrl: string, names: string[], { token, timeoutMs = 5000 }: ToxiproxyCallOptions = {}): Promise<void> {
  const client = toxiproxyClient(apiUrl, { token });
  for (const name of names) {
    try {
      const p = await withTimeout(client.get(name), timeoutMs, `reading proxy ${name}`);
      await withTimeout(p.remove(), timeoutMs, `deleting proxy ${name}`);
    } catch (e) {
      if (!/404|not found/i.test(String((e as Error).message))) throw e;
    }
  }
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new InfraError(`timed out after ${ms} ms ${what}`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
