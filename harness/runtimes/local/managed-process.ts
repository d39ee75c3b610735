import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, writeSync } from 'node:fs';
import { InfraError, AbortedError } from '../../errors';
import type { PidFile } from '../../run-record';
import type { WaitStrategy } from '../../wait';

export interface ProcessSpec {
  /** `redis`, `gateway`, `worker`, `toxiproxy`: names the log file and error messages. */
  component: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** stdout and stderr are appended here (the child writes to the file directly). */
  logFile: string;
  /** Readiness check, built once the process runs. */
  ready?: (p: ManagedProcess) => WaitStrategy;
  readyTimeoutMs?: number;
  /** SIGTERM grace before SIGKILL on stop. */
  stopGraceMs?: number;
}

export interface ProcessDeps {
  pidFile?: PidFile;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/**
 * A child process of a local stack. It runs in its own process group (so a terminal Ctrl-C
 * reaches only the harness, which then tears down in order, and `kill(-pid)` reaches the
 * gateway's cluster workers too), writes its output straight to its log file (it survives the
 * harness dying, for `harness reap` to find via pids.json), and is recorded in pids.json.
 */
export class ManagedProcess {
  #child: ChildProcess;
  #exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #exited = false;
  #stopping: Promise<void> | undefined;

  private constructor(
    readonly spec: ProcessSpec,
    private readonly deps: ProcessDeps,
    child: ChildProcess,
  ) {
    this.#child = child;
    this.#exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exited = true;
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }
  get exited(): boolean {
    return this.#exited;
  }
  /** Resolves when the process exits (with its code or signal). */
  get exit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.#exit;
  }
  /** Everything the process has logged so far. */
  output(): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  static async start(spec: ProcessSpec, deps: ProcessDeps = {}): Promise<ManagedProcess> {
    if (deps.signal?.aborted) throw new AbortedError(`interrupted before starting ${spec.component}`);
    const fd = openSync(spec.logFile, 'a');
    writeSync(fd, `# ${new Date().toISOString()} starting ${spec.component}: ${spec.command} ${spec.args.join(' ')}\n`);
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env as NodeJS.ProcessEnv,
        stdio: ['ignore', fd, fd],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    const spawned = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (e) => resolve(e));
    });
    if (spawned) throw new InfraError(`could not start ${spec.component} (${spec.command}): ${spawned.message}`);
    // The harness must be able to exit even if a child lingers (the watchdog and reap handle it).
    child.unref();
    const p = new ManagedProcess(spec, deps, child);
    await deps.pidFile?.addProcess({ pid: p.pid, component: spec.component, command: `${spec.command} ${spec.args.join(' ')}`, group: true });
    deps.log?.(`${spec.component} started (pid ${p.pid}), log: ${spec.logFile}`);
    if (spec.ready) {
      try {
        await p.waitReady(spec.ready(p), spec.readyTimeoutMs);
      } catch (e) {
        await p.stop().catch(() => {});
        throw e;
      }
    }
    return p;
  }

  /** Waits for readiness; fails fast, quoting the log tail, if the process exits first. */
  async waitReady(strategy: WaitStrategy, timeoutMs?: number): Promise<void> {
    const ac = new AbortController();
    const onAbort = () => ac.abort(this.deps.signal!.reason);
    this.deps.signal?.addEventListener('abort', onAbort, { once: true });
    const exitFirst = this.#exit.then(({ code, signal }) => {
      if (ac.signal.aborted) return;
      const tail = this.output().trimEnd().split('\n').slice(-15).join('\n    ');
      throw new InfraError(`${this.spec.component} exited (${signal ?? `code ${code}`}) before it was ready (${strategy.describe()})\n    ${tail}`, {
        hint: `see ${this.spec.logFile}`,
      });
    });
    try {
      await Promise.race([strategy.waitUntilReady({ timeoutMs, signal: ac.signal }), exitFirst]);
    } finally {
      ac.abort();
      this.deps.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Sends a signal to the whole process group and resolves once the leader exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.#exited) return;
    killGroup(this.pid, signal);
    await this.#exit;
    await this.deps.pidFile?.removeProcess(this.pid);
  }

  /** SIGTERM, then SIGKILL after the grace period. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (!this.#exited) {
        killGroup(this.pid, 'SIGTERM');
        const grace = this.spec.stopGraceMs ?? 5000;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          this.#exit.then(() => false),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(true), grace))),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          this.deps.log?.(`${this.spec.component} did not stop within ${grace} ms; sending SIGKILL`);
          killGroup(this.pid, 'SIGKILL');
          await this.#exit;
        }
      }
      // Cluster workers or other group members may outlive the leader briefly.
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch {
        /* group already empty */
      }
      await this.deps.pidFile?.removeProcess(this.pid);
    })();
    return this.#stopping;
  }

  /** A fresh process with the same spec (new pid, same ports and log file). */
  async restart(): Promise<ManagedProcess> {
    await this.stop();
    return ManagedProcess.start(this.spec, this.deps);
  }
}

export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}
