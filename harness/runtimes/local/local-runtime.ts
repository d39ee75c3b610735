import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AsyncDisposableStack } from '../../lifecycle';
import { InfraError } from '../../errors';
import { ensureDebianPackage, which } from '../../setup';
import { PidFile } from '../../run-record';
import { proxyName } from '../../run-record';
import { Wait } from '../../wait';
import type { Availability, Runtime, RuntimeStartOptions, StartedTargetStack } from '../types';
import { freePorts } from './free-port';
import { ManagedProcess, type ProcessDeps, type ProcessSpec } from './managed-process';
import { createProxy, deleteProxies, startToxiproxy, type ToxiproxyChoice } from './toxiproxy-provider';
import { StartedLocalStack, type LocalComponents } from './started-local-stack';

export interface LocalRuntimeOptions {
  /** Which Toxiproxy server to run (default `auto`). */
  toxiproxy?: ToxiproxyChoice;
  /** API token a built-in server requires and every Toxiproxy call sends (config `toxiproxy.token`). */
  toxiproxyToken?: string;
  /** Deadline for each component to become ready (default 30 s). */
  readyTimeoutMs?: number;
  /** Install redis-server from Debian when missing and running as root (default true). */
  installRedis?: boolean;
  /** Entry scripts run with `node --import tsx`, relative to cwd (defaults: target/{gateway,worker}/main.ts). */
  entryPoints?: { gateway: string; worker: string };
}

/**
 * The target as child processes on loopback ports:
 *
 *   engine ──▶ toxiproxy[<run>-gateway] ──▶ gateway ──▶ toxiproxy[<run>-redis] ──▶ redis-server ◀── worker
 *
 * Each process runs in its own process group, logs to `<runDir>/logs/<component>.log` and is
 * recorded in `<runDir>/pids.json` for `harness reap`. A failed start tears down what started.
 */
export class LocalRuntime implements Runtime {
  readonly name = 'local' as const;
  constructor(private readonly options: LocalRuntimeOptions = {}) {}

  async available(opts: Pick<RuntimeStartOptions, 'env' | 'cwd'>): Promise<Availability> {
    const gateway = this.options.entryPoints?.gateway ?? 'target/gateway/main.ts';
    if (!existsSync(join(opts.cwd, gateway))) {
      return { ok: false, reason: `${gateway} not found under ${opts.cwd}; run the harness from the project root` };
    }
    const redis = await which('redis-server', opts.env);
    const isRoot = process.getuid?.() === 0;
    if (!redis && !isRoot) return { ok: false, reason: 'redis-server is not installed; install it with: sudo apt-get install -y redis-server' };
    return { ok: true, version: `node ${process.version}${redis ? `, ${redis}` : ', redis-server will be installed'}` };
  }

  async start(opts: RuntimeStartOptions): Promise<StartedTargetStack> {
    const stack = new AsyncDisposableStack();
    const log = opts.log;
    await mkdir(join(opts.runDir, 'logs'), { recursive: true });
    const pidFile = opts.pidFile ?? new PidFile(join(opts.runDir, 'pids.json'), opts.runId);
    const deps: ProcessDeps = { pidFile, signal: opts.signal, log };
    const readyTimeoutMs = this.options.readyTimeoutMs ?? 30_000;
    const logFile = (c: string) => join(opts.runDir, 'logs', `${c}.log`);
    try {
      const redisBin =
        this.options.installRedis === false
          ? await which('redis-server', opts.env)
          : await ensureDebianPackage({ bin: 'redis-server', pkg: 'redis-server', log, env: opts.env });
      if (!redisBin) throw new InfraError('redis-server is not installed', { hint: 'sudo apt-get install -y redis-server' });

      const useProxy = opts.toxiproxy !== false && this.options.toxiproxy !== 'none';
      const token = this.options.toxiproxyToken;
      const [redisPort, gatewayPort, toxiPort, redisProxyPort, gatewayProxyPort] = await freePorts(5);
      await pidFile.setPort('redis', redisPort);
      await pidFile.setPort('gateway', gatewayPort);

      const specs: LocalComponents['specs'] = {} as LocalComponents['specs'];
      specs.redis = {
        component: 'redis',
        command: redisBin,
        args: ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--daemonize', 'no'],
        cwd: opts.runDir,
        env: { PATH: opts.env.PATH },
        logFile: logFile('redis'),
        ready: () => Wait.forPort(redisPort),
        readyTimeoutMs,
        stopGraceMs: 3000,
      };
      const redis = await ManagedProcess.start(specs.redis, deps);
      stack.defer(() => redis.stop(), 'redis');

      const toxi = useProxy
        ? await startToxiproxy(this.options.toxiproxy ?? 'auto', { cwd: opts.cwd, env: opts.env, port: toxiPort, seed: opts.seed, token, logFile: logFile('toxiproxy'), deps })
        : undefined;
      let toxiproxy: StartedTargetStack['toxiproxy'];
      if (toxi) {
        stack.defer(() => toxi.stop(), 'toxiproxy');
        await pidFile.setPort('toxiproxy', toxiPort);
        const proxies = { gateway: proxyName(opts.runId, 'gateway'), redis: proxyName(opts.runId, 'redis') };
        await pidFile.addProxies(toxi.apiUrl, [proxies.gateway, proxies.redis]);
        await createProxy(toxi.apiUrl, proxies.redis, `127.0.0.1:${redisProxyPort}`, `127.0.0.1:${redisPort}`, { token });
        await createProxy(toxi.apiUrl, proxies.gateway, `127.0.0.1:${gatewayProxyPort}`, `127.0.0.1:${gatewayPort}`, { token });
        // Deleting proxies matters when the server outlives the run (a shared toxiproxy-server).
        stack.defer(() => deleteProxies(toxi.apiUrl, [proxies.gateway, proxies.redis], { token }), 'toxiproxy proxies');
        await pidFile.setPort('redis-proxy', redisProxyPort);
        await pidFile.setPort('gateway-proxy', gatewayProxyPort);
        toxiproxy = { apiUrl: toxi.apiUrl, proxies };
      }

      const redisUrl = `redis://127.0.0.1:${redisPort}`;
      const gatewayRedisUrl = toxiproxy ? `redis://127.0.0.1:${redisProxyPort}` : redisUrl;
      const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
      const node = process.execPath;
      const baseEnv = { ...opts.env, NODE_ENV: opts.env.NODE_ENV ?? 'production' };
      specs.gateway = {
        component: 'gateway',
        command: node,
        args: ['--import', 'tsx', this.options.entryPoints?.gateway ?? 'target/gateway/main.ts'],
        cwd: opts.cwd,
        env: { ...baseEnv, ...opts.gatewayEnv, PORT: String(gatewayPort), HOST: '127.0.0.1', REDIS_URL: gatewayRedisUrl },
        logFile: logFile('gateway'),
        ready: () => Wait.forHttp(`${gatewayUrl}/health/ready`),
        readyTimeoutMs,
        stopGraceMs: 10_000,
      };
      specs.worker = {
        component: 'worker',
        command: node,
        args: ['--import', 'tsx', this.options.entryPoints?.worker ?? 'target/worker/main.ts'],
        cwd: opts.cwd,
        env: { ...baseEnv, ...opts.workerEnv, REDIS_URL: redisUrl },
        logFile: logFile('worker'),
        stopGraceMs: 10_000,
      };
      const gateway = await ManagedProcess.start(specs.gateway, deps);
      const components: LocalComponents = { specs, deps, processes: { redis, gateway } };
      stack.defer(() => components.processes.gateway?.stop(), 'gateway');
      const worker = await ManagedProcess.start(specs.worker, deps);
      components.processes.worker = worker;
      stack.defer(() => components.processes.worker?.stop(), 'worker');
      if (toxi?.process) components.processes.toxiproxy = toxi.process;

      const targetUrl = toxiproxy ? `http://127.0.0.1:${gatewayProxyPort}` : gatewayUrl;
      log(`local stack up: target ${targetUrl} (gateway ${gatewayUrl}, redis ${redisUrl}${toxiproxy ? `, toxiproxy ${toxiproxy.apiUrl}` : ', no toxiproxy'})`);
      return new StartedLocalStack({ runId: opts.runId, targetUrl, gatewayUrl, redisUrl, toxiproxy, components, stack });
    } catch (e) {
      await stack.disposeAsync().catch((c) => log(`cleanup after failed start: ${(c as Error).message}`));
      throw e;
    }
  }
}

export type { ProcessSpec };
