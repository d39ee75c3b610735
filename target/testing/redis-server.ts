/**
 * A real `redis-server` for tests and benchmarks, on a free 127.0.0.1 port, with persistence
 * off (`--save '' --appendonly no`) so nothing is written to disk.
 *
 *   await using redis = await startRedisServer();
 *   const client = new Redis(redis.url);
 *   await redis.kill();     // SIGKILL: a crash, for fault tests
 *   await redis.restart();  // same port, empty data set
 *
 * `stop()` is idempotent; `Symbol.asyncDispose` calls it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { InfraError } from '../shared/errors';
import { freePort } from './free-port';

export interface RedisServerOptions {
  /** Default: a free port. */
  port?: number;
  /** Default: REDIS_SERVER_BIN, else `redis-server` from PATH. */
  bin?: string;
  /** Extra command-line arguments, e.g. ['--maxmemory', '64mb']. */
  args?: string[];
  /** How long to wait for the port to accept connections. Default 10 s. */
  startTimeoutMs?: number;
}

export interface StartedRedisServer extends AsyncDisposable {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The current process id (changes on restart), undefined while stopped. */
  readonly pid: number | undefined;
  /** Graceful stop (SIGTERM, then SIGKILL after 3 s). Idempotent. */
  stop(): Promise<void>;
  /** Crash it (SIGKILL by default) and wait until it is gone; `restart()` brings it back. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it if running, then starts a fresh one on the same port (data is lost: no persistence). */
  restart(): Promise<void>;
}

export async function startRedisServer(opts: RedisServerOptions = {}): Promise<StartedRedisServer> {
  const host = '127.0.0.1';
  const port = opts.port ?? (await freePort(host));
  const bin = opts.bin ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const timeout = opts.startTimeoutMs ?? 10_000;
  let child: ChildProcess | undefined;
  let stopped = false;
  let stopping: Promise<void> | undefined;

  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...(opts.args ?? [])];
    const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
    proc.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
    const exited = new Promise<never>((_, reject) => {
      proc.once('error', (e) => reject(new InfraError(`cannot start ${bin}: ${e.message}`, { hint: 'install it: apt-get install -y redis-server (or `npx harness setup`)', cause: e })));
      proc.once('exit', (code) => reject(new InfraError(`redis-server exited early (code ${code}) on port ${port}:\n${output}`)));
    });
    exited.catch(() => {});
    try {
      await Promise.race([waitForPort(host, port, timeout), exited]);
    } catch (e) {
      proc.kill('SIGKILL');
      throw e;
    }
    child = proc;
  };

  const waitExit = (proc: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> =>
    new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      proc.kill(signal);
    });

  await launch();
  const started: StartedRedisServer = {
    url: `redis://${host}:${port}`,
    host,
    port,
    get pid() {
      return child?.pid;
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      const proc = child;
      child = undefined;
      if (proc) await waitExit(proc, signal, 3000);
    },
    async restart() {
      if (stopped) throw new InfraError('redis-server was stopped; start a new one');
      const proc = child;
      child = undefined;
      if (proc) await waitExit(proc, 'SIGTERM', 3000);
      await launch();
    },
    stop() {
      stopped = true;
      stopping ??= (async () => {
        const proc = child;
        child = undefined;
        if (proc) await waitExit(proc, 'SIGTERM', 3000);
      })();
      return stopping;
    },
    [Symbol.asyncDispose]() {
      return started.stop();
    },
  };
  return started;
}

/** Resolves when a TCP connection to host:port succeeds; rejects after timeoutMs. */
export async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new InfraError(`nothing accepted connections on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
