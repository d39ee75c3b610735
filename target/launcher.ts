/**
 * Starts the gateway or the worker as a child process (`node --import tsx target/<c>/main.ts`)
 * and resolves once it printed its ready line ("gateway listening" / "worker ready"), so tests,
 * benchmarks and `npm run target` share one way to run them.
 *
 *   const gw = await launchTarget('gateway', { env: { PORT: '0', REDIS_URL, WORKERS: '1' } });
 *   gw.url   // from the "gateway listening" line
 *   await gw.stop();   // SIGTERM, wait for exit (SIGKILL after the grace period)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { InfraError } from './shared/errors';

export type TargetComponent = 'gateway' | 'worker';

export interface LaunchOptions {
  /** Added to process.env. */
  env?: Record<string, string | undefined>;
  /** Every stdout/stderr line (JSON log lines from the component). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  readyTimeoutMs?: number;
}

export interface LaunchedTarget extends AsyncDisposable {
  readonly component: TargetComponent;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Gateway only: the URL from its "gateway listening" line. */
  readonly url?: string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** Graceful (SIGTERM by default); SIGKILL after graceMs (default 15 s). Idempotent. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | NodeJS.Signals>;
  /** A crash: SIGKILL, wait for exit. */
  kill(): Promise<number | NodeJS.Signals>;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const READY: Record<TargetComponent, string> = { gateway: 'gateway listening', worker: 'worker ready' };

export function entryPoint(component: TargetComponent): string {
  return fileURLToPath(new URL(`./${component}/main.ts`, import.meta.url));
}

export async function launchTarget(component: TargetComponent, opts: LaunchOptions = {}): Promise<LaunchedTarget> {
  const child = spawn(process.execPath, ['--import', 'tsx', entryPoint(component)], {
    cwd: root,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig ?? 0)));
  const tail: string[] = [];
  let url: string | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new InfraError(`${component} printed no "${READY[component]}" line within ${opts.readyTimeoutMs ?? 20_000} ms:\n${tail.join('\n')}`)), opts.readyTimeoutMs ?? 20_000);
    const onLine = (stream: 'stdout' | 'stderr') => (line: string) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      opts.onLine?.(line, stream);
      if (line.includes(READY[component])) {
        try {
          url = (JSON.parse(line) as { url?: string }).url;
        } catch {
          /* not JSON: fine */
        }
        clearTimeout(timer);
        resolve();
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine('stdout'));
    createInterface({ input: child.stderr! }).on('line', onLine('stderr'));
    exited.then((code) => {
      clearTimeout(timer);
      reject(new InfraError(`${component} exited (${code}) before it was ready:\n${tail.join('\n')}`));
    });
  });
  try {
    await ready;
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  let stopping: Promise<number | NodeJS.Signals> | undefined;
  const stop = (signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000) =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(t);
      }
      return exited;
    })());
  return {
    component,
    child,
    pid: child.pid!,
    url,
    exited,
    stop,
    kill: () => stop('SIGKILL'),
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}
