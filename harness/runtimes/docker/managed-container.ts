import { createWriteStream, type WriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import { AbortedError, InfraError } from '../../errors';
import type { PidFile } from '../../run-record';
import type { WaitStrategy } from '../../wait';
import { containerName, runLabels } from './labels';

export interface ContainerSpec {
  /** `redis`, `toxiproxy`, `gateway`, `worker`: names the container, its log file and messages. */
  component: string;
  image: string;
  cmd: string[];
  env?: Record<string, string | undefined>;
  user?: string;
  workingDir?: string;
  /** Docker HEALTHCHECK (shown by `docker ps`); `none` disables the image's own. */
  healthcheck?: { test: string[]; intervalMs?: number; timeoutMs?: number; retries?: number; startPeriodMs?: number } | 'none';
  /** Host-side readiness check, built once the container runs. */
  ready?: (c: ManagedContainer) => WaitStrategy;
  readyTimeoutMs?: number;
  /** `docker stop` grace before SIGKILL. */
  stopGraceSec?: number;
  /** Container output (stdout and stderr) is appended here. */
  logFile: string;
  /**
   * Default: host networking on loopback ports the harness picked. Otherwise a user-defined
   * bridge network (Compose's model, `harness up --observability`): reachable by `aliases` from
   * the other containers on it, host ports published on `hostIp` (always 127.0.0.1 here).
   */
  network?: { name: string; aliases: string[]; ports: { hostIp: string; hostPort: number; containerPort: number }[] };
  /** Bind mounts: absolute host path, container path, read-only. */
  mounts?: { source: string; target: string; readOnly: boolean }[];
}

export interface ContainerDeps {
  docker: Docker;
  runId: string;
  pidFile?: PidFile;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

const TAIL_BYTES = 64 * 1024;

/**
 * One container of a docker stack: host networking (it binds loopback ports the harness picked,
 * exactly like a local process; no traffic ever goes over a bridge), labelled with the run id,
 * `--init` so signals reach node and zombies are reaped, no restart policy (a killed component
 * stays down until `restart`). Its output is followed into the log file and kept in memory
 * (tail) for log-based waits and error messages.
 */
export class ManagedContainer {
  #container: Docker.Container;
  #out: WriteStream;
  #tail = '';
  #follow: Promise<void> = Promise.resolve();
  /** The current `docker logs --follow` response, until it ends. */
  #logStream: (NodeJS.ReadableStream & { destroy?: () => void; socket?: RefSocket }) | undefined;
  #removing: Promise<void> | undefined;

  private constructor(
    readonly spec: ContainerSpec,
    private readonly deps: ContainerDeps,
    readonly id: string,
  ) {
    this.#container = deps.docker.getContainer(id);
    this.#out = createWriteStream(spec.logFile, { flags: 'a' });
  }

  get name(): string {
    return containerName(this.deps.runId, this.spec.component);
  }

  /** What the container printed (the last 64 KiB) since its latest (re)start. */
  output(): string {
    return this.#tail;
  }

  /** What `docker create` gets for `spec` (pure: tests compare it with compose.yml). */
  static createOptions(spec: ContainerSpec, runId: string): Docker.ContainerCreateOptions {
    const hc = spec.healthcheck;
    const net = spec.network;
    return {
      name: containerName(runId, spec.component),
      Image: spec.image,
      Cmd: spec.cmd.length ? spec.cmd : undefined,
      Env: Object.entries(spec.env ?? {})
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${v}`),
      User: spec.user,
      WorkingDir: spec.workingDir,
      Labels: runLabels(runId, spec.component),
      StopTimeout: spec.stopGraceSec ?? 10,
      Healthcheck:
        hc === 'none'
          ? { Test: ['NONE'] }
          : hc
            ? { Test: ['CMD', ...hc.test], Interval: ms(hc.intervalMs ?? 2000), Timeout: ms(hc.timeoutMs ?? 2000), Retries: hc.retries ?? 15, StartPeriod: ms(hc.startPeriodMs ?? 5000) }
            : undefined,
      ExposedPorts: net ? Object.fromEntries(net.ports.map((p) => [`${p.containerPort}/tcp`, {}])) : undefined,
      HostConfig: {
        NetworkMode: net ? net.name : 'host',
        PortBindings: net ? Object.fromEntries(net.ports.map((p) => [`${p.containerPort}/tcp`, [{ HostIp: p.hostIp, HostPort: String(p.hostPort) }]])) : undefined,
        Binds: spec.mounts?.map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`),
        Init: true,
        RestartPolicy: { Name: 'no' },
        AutoRemove: false,
      },
      NetworkingConfig: net ? { EndpointsConfig: { [net.name]: { Aliases: net.aliases } } } : undefined,
    };
  }

  /** Creates, records (pids.json) and starts the container, then waits for `spec.ready`. */
  static async start(spec: ContainerSpec, deps: ContainerDeps): Promise<ManagedContainer> {
    if (deps.signal?.aborted) throw new AbortedError(`interrupted before starting ${spec.component}`);
    const name = containerName(deps.runId, spec.component);
    let created: Docker.Container;
    try {
      created = await deps.docker.createContainer(ManagedContainer.createOptions(spec, deps.runId));
    } catch (e) {
      throw new InfraError(`could not create container ${name} (${spec.image}): ${(e as Error).message}`, {
        hint: /conflict/i.test(String(e)) ? 'a container of this run id already exists; run `harness reap`' : 'check `docker info` and `docker images`',
      });
    }
    const c = new ManagedContainer(spec, deps, created.id);
    await deps.pidFile?.addDocker('containers', created.id);
    try {
      await c.#startAndFollow();
      deps.log?.(`${spec.component} container ${name} started (${spec.image}), log: ${spec.logFile}`);
      if (spec.ready) await c.waitReady(spec.ready(c), spec.readyTimeoutMs);
    } catch (e) {
      await c.remove().catch(() => {});
      throw e;
    }
    return c;
  }

  async #startAndFollow(): Promise<void> {
    // Log waits and error messages look at this run of the container only (the file keeps all).
    this.#tail = '';
    this.#write(`# ${new Date().toISOString()} starting ${this.spec.component}: ${this.spec.image} ${this.spec.cmd.join(' ')}\n`);
    // Lines logged before `since` belong to an earlier run of this container (already in the file).
    const since = Date.now() / 1000;
    await this.#container.start();
    const stream = (await this.#container.logs({ follow: true, stdout: true, stderr: true, since: since.toFixed(6) as unknown as number })) as unknown as NodeJS.ReadableStream;
    const sink = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        this.#write(chunk.toString('utf8'));
        cb();
      },
    });
    this.deps.docker.modem.demuxStream(stream, sink, sink);
    const followed = stream as typeof stream & { socket?: RefSocket };
    // Following logs must not keep the harness alive (`harness up` returns while containers run).
    followed.socket?.unref?.();
    this.#logStream = followed;
    this.#follow = new Promise<void>((resolve) => {
      const done = () => {
        if (this.#logStream === followed) this.#logStream = undefined;
        resolve();
      };
      stream.once('end', done);
      stream.once('close', done);
      stream.once('error', done);
    });
  }

  /**
   * Waits (at most `ms`) for the log follow to end after the container stopped, so its last lines
   * reach the log file, then drops it. While we wait, the follow's socket is ref'd again and the
   * timer is a normal one: a wait that only unref'd handles could end is a promise Node abandons
   * when nothing else runs (the harness then exited 13 in the middle of its teardown).
   */
  async #settleFollow(ms: number): Promise<void> {
    const stream = this.#logStream;
    if (!stream) return;
    stream.socket?.ref?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#follow, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
    if (this.#logStream === stream) {
      // Still open (the daemon keeps some follows open after the container is gone): close it.
      this.#logStream = undefined;
      stream.destroy?.();
    }
  }

  #write(text: string): void {
    this.#tail = (this.#tail + text).slice(-TAIL_BYTES);
    if (!this.#out.destroyed) this.#out.write(text);
  }

  /** The last `n` lines of output, indented for error messages. */
  lastLines(n = 15): string {
    return this.#tail.trimEnd().split('\n').slice(-n).join('\n    ');
  }

  async running(): Promise<boolean> {
    try {
      return Boolean((await this.#container.inspect()).State?.Running);
    } catch {
      return false;
    }
  }

  /** Waits for readiness; fails fast, quoting the log tail, if the container exits first. */
  async waitReady(strategy: WaitStrategy, timeoutMs?: number): Promise<void> {
    const ac = new AbortController();
    const onAbort = () => ac.abort(this.deps.signal!.reason);
    // a signal that fired while the container was starting would never call the listener
    if (this.deps.signal?.aborted) throw new AbortedError(`interrupted while waiting for ${this.spec.component} (${strategy.describe()})`);
    this.deps.signal?.addEventListener('abort', onAbort, { once: true });
    const exited = this.#container.wait({ condition: 'not-running', abortSignal: ac.signal }).then(
      async (r: { StatusCode?: number }) => {
        if (ac.signal.aborted) return;
        await this.#settleFollow(500);
        throw new InfraError(`${this.spec.component} container exited (code ${r?.StatusCode}) before it was ready (${strategy.describe()})\n    ${this.lastLines()}`, {
          hint: `see ${this.spec.logFile} (or \`docker logs ${this.name}\`)`,
        });
      },
      () => undefined,
    );
    try {
      await Promise.race([strategy.waitUntilReady({ timeoutMs, signal: ac.signal }), exited]);
    } catch (e) {
      if (e instanceof InfraError && /timed out/.test(e.message)) {
        throw new InfraError(`${this.spec.component}: ${e.message}\n    ${this.lastLines()}`, { hint: `see ${this.spec.logFile}` });
      }
      throw e;
    } finally {
      ac.abort();
      this.deps.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** `docker kill --signal`; resolves once the container stopped (SIGKILL) or the signal was sent and it exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 30_000): Promise<void> {
    if (!(await this.running())) return;
    await this.#container.kill({ signal }).catch((e: Error) => {
      if (!/not running|409/.test(e.message)) throw e;
    });
    await this.#waitStopped(timeoutMs, `${signal} to ${this.name}`);
  }

  async #waitStopped(timeoutMs: number, what: string): Promise<void> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    try {
      await this.#container.wait({ condition: 'not-running', abortSignal: ac.signal });
    } catch (e) {
      if (ac.signal.aborted) throw new InfraError(`${this.spec.component} still running ${timeoutMs / 1000} s after ${what}`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
    await this.#settleFollow(2000);
  }

  /**
   * Stops the container (SIGTERM, SIGKILL after the grace period) if it runs, starts it again
   * (same id, ports and log file) and waits for readiness.
   */
  async restart(): Promise<void> {
    if (await this.running()) {
      await this.#container.stop({ t: this.spec.stopGraceSec ?? 10 }).catch((e: Error) => {
        if (!/304|not running|already stopped/i.test(e.message)) throw e;
      });
      await this.#waitStopped(30_000, 'docker stop');
    }
    await this.#startAndFollow();
    this.deps.log?.(`${this.spec.component} container ${this.name} restarted`);
    if (this.spec.ready) await this.waitReady(this.spec.ready(this), this.spec.readyTimeoutMs);
  }

  /** Graceful stop, then force-remove (with anonymous volumes). Idempotent; a missing container is fine. */
  remove(): Promise<void> {
    this.#removing ??= (async () => {
      try {
        if (await this.running()) {
          await this.#container.stop({ t: this.spec.stopGraceSec ?? 10 }).catch(() => {});
        }
        await this.#container.remove({ force: true, v: true }).catch((e: Error) => {
          if (!/404|no such container/i.test(e.message)) throw e;
        });
      } finally {
        await this.#settleFollow(1000);
        await new Promise<void>((r) => this.#out.end(r));
        await this.deps.pidFile?.removeDocker('containers', this.id);
      }
    })();
    return this.#removing;
  }
}

function ms(n: number): number {
  return n * 1_000_000; // Docker durations are nanoseconds
}

/** The socket under an HTTP response (ref/unref decide whether it keeps the process alive). */
interface RefSocket {
  ref?: () => void;
  unref?: () => void;
}
