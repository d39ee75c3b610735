import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Toxiproxy } from 'toxiproxy-node-client';
import { InfraError } from '../../errors';
import { which } from '../../setup';
import { Wait } from '../../wait';
import { ManagedProcess, type ProcessDeps } from './managed-process';

/** A running Toxiproxy-compatible server owned by a local stack. */
export interface StartedToxiproxy {
  /** `binary` (toxiproxy-server from PATH) or `builtin` (chaos/ server, in-process). */
  readonly kind: ToxiproxyKind;
  readonly apiUrl: string;
  /** Component process when it runs as one (for kill/restart), else undefined. */
  readonly process?: ManagedProcess;
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
  logFile: string;
  deps: ProcessDeps;
}

/** Where chaos/ exports its built-in server: `startToxiproxyServer({ host, port })`. */
const BUILTIN_MODULES = ['chaos/toxiproxy-server/index.ts', 'chaos/index.ts'];

type BuiltinStart = (o: { host: string; port: number; seed?: number }) => Promise<unknown>;

async function loadBuiltin(cwd: string): Promise<BuiltinStart | undefined> {
  for (const rel of BUILTIN_MODULES) {
    const file = join(cwd, rel);
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    if (typeof mod.startToxiproxyServer === 'function') return mod.startToxiproxyServer as BuiltinStart;
  }
  return undefined;
}

/** Which server `auto` would pick, and why not the others (for messages and `harness doctor`). */
export async function detectToxiproxy(cwd: string, env: Record<string, string | undefined>): Promise<{ kind: ToxiproxyKind | 'none'; detail: string }> {
  const bin = await which(env.TOXIPROXY_BIN ?? 'toxiproxy-server', env);
  if (bin) return { kind: 'binary', detail: bin };
  if (await loadBuiltin(cwd).catch(() => undefined)) return { kind: 'builtin', detail: 'built-in Toxiproxy-compatible server (chaos/)' };
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
  const start = await loadBuiltin(o.cwd);
  if (!start) throw new InfraError('the built-in Toxiproxy server is not available in this checkout', { hint: 'use --toxiproxy none, or put toxiproxy-server on PATH' });
  const server = (await start({ host: '127.0.0.1', port: o.port, seed: o.seed })) as Record<string | symbol, unknown>;
  await Wait.forHttp(`${apiUrl}/version`).waitUntilReady({ timeoutMs: 10_000, signal: o.deps.signal });
  o.deps.log?.(`toxiproxy: built-in server on ${apiUrl}`);
  const close = (server.close ?? server.stop ?? server[Symbol.asyncDispose]) as (() => Promise<void>) | undefined;
  let stopped: Promise<void> | undefined;
  return { kind: 'builtin', apiUrl, stop: () => (stopped ??= Promise.resolve(close?.call(server))) };
}

/** Creates one proxy through the Toxiproxy API, with a timeout on the control call. */
export async function createProxy(apiUrl: string, name: string, listen: string, upstream: string, timeoutMs = 5000): Promise<void> {
  const client = new Toxiproxy(apiUrl);
  await withTimeout(client.createProxy({ name, listen, upstream, enabled: true }), timeoutMs, `creating Toxiproxy proxy ${name} on ${apiUrl}`);
}

/** Deletes proxies by name (missing ones are fine). */
export async function deleteProxies(apiUrl: string, names: string[], timeoutMs = 5000): Promise<void> {
  const client = new Toxiproxy(apiUrl);
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
