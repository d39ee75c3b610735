import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { HarnessConfig } from '../../config/schema';
import { readComposeImages } from '../../config/compose-images';
import { InfraError } from '../../errors';
import { AsyncDisposableStack } from '../../lifecycle';
import { PidFile } from '../../run-record';
import { proxyName } from '../../run-record';
import { Wait } from '../../wait';
import { freePorts } from '../local/free-port';
import { createProxy, deleteProxies } from '../local/toxiproxy-provider';
import type { Availability, Runtime, RuntimeStartOptions, StartedTargetStack, ToxiproxyEndpoints } from '../types';
import { ensureBaseImage, imageExists } from './base-image';
import { dockerClient, pingDocker } from './docker-daemon';
import { runLabels } from './labels';
import { ManagedContainer, type ContainerDeps, type ContainerSpec } from './managed-container';
import { ensureImage } from './pull-image';
import { StartedDockerStack, type DockerComponents } from './started-docker-stack';
import { TARGET_DOCKERFILE, ensureTargetImage } from './target-image';

/** What the docker runtime needs from the resolved harness config. */
export type DockerRuntimeConfig = Pick<HarnessConfig, 'images' | 'runtime' | 'toxiproxy'>;

/** The built-in Toxiproxy server's entry inside the target image (see target/Dockerfile). */
const BUILTIN_TOXIPROXY_MAIN = 'harness/runtimes/local/builtin-toxiproxy-main.ts';

/**
 * The target as containers through dockerode, with the local runtime's exact topology:
 *
 *   engine ──▶ toxiproxy[<run>-gateway] ──▶ gateway ──▶ toxiproxy[<run>-redis] ──▶ redis ◀── worker
 *
 * Loopback-only: every container uses HOST networking and binds 127.0.0.1 on free ports the
 * harness picked, so no traffic goes to a bridge address. Images: the gateway/worker image is
 * built from target/Dockerfile (rebuilt when its inputs change) on a locally made base image;
 * Redis runs from the compose image when present locally, else from the base image (it has
 * redis-server); Toxiproxy from the real image when present locally, else the built-in server
 * inside the target image. Containers are labelled `harness.run-id` and recorded in pids.json.
 */
export class DockerRuntime implements Runtime {
  readonly name = 'docker' as const;
  constructor(private readonly config: DockerRuntimeConfig) {}

  async available(opts: Pick<RuntimeStartOptions, 'env' | 'cwd'>): Promise<Availability> {
    if (!existsSync(join(opts.cwd, TARGET_DOCKERFILE))) return { ok: false, reason: `${TARGET_DOCKERFILE} not found under ${opts.cwd}` };
    if (!opts.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) {
      return { ok: false, reason: 'Docker daemon not reachable (no /var/run/docker.sock); start Docker or set DOCKER_HOST' };
    }
    const version = await pingDocker(dockerClient(opts.env), 1500);
    if (!version) return { ok: false, reason: 'Docker daemon not reachable (no answer within 1.5 s); start Docker or set DOCKER_HOST' };
    return { ok: true, version: `Docker ${version}` };
  }

  async start(opts: RuntimeStartOptions): Promise<StartedTargetStack> {
    const t0 = Date.now();
    const log = opts.log;
    const docker = dockerClient(opts.env);
    const version = await pingDocker(docker, 3000);
    if (!version) throw new InfraError('Docker daemon not reachable', { hint: 'start Docker (e.g. `dockerd &` as root) or set DOCKER_HOST; or use --runtime local' });
    await mkdir(join(opts.runDir, 'logs'), { recursive: true });
    const pidFile = opts.pidFile ?? new PidFile(join(opts.runDir, 'pids.json'), opts.runId);
    const readyTimeoutMs = this.config.runtime.readyTimeoutMs ?? 30_000;
    const logFile = (c: string) => join(opts.runDir, 'logs', `${c}.log`);
    const deps: ContainerDeps = { docker, runId: opts.runId, pidFile, signal: opts.signal, log };
    const stack = new AsyncDisposableStack();
    try {
      const images = await this.#images(docker, opts);
      const tImages = Date.now();

      // A labelled network for the run, as the issue asks and so reap has an anchor; nothing is
      // attached to it (internal: no route), every container uses the host's loopback instead.
      const network = await docker.createNetwork({ Name: `harness-${opts.runId}`, Internal: true, Labels: runLabels(opts.runId), CheckDuplicate: true });
      await pidFile.addDocker('networks', network.id);
      stack.defer(async () => {
        await network.remove().catch((e: Error) => {
          if (!/404|not found/i.test(e.message)) throw e;
        });
        await pidFile.removeDocker('networks', network.id);
      }, 'network');

      const useProxy = opts.toxiproxy !== false && this.config.toxiproxy.server !== 'none';
      const token = this.config.toxiproxy.token;
      const [redisPort, gatewayPort, toxiPort, redisProxyPort, gatewayProxyPort] = await freePorts(5);
      await pidFile.setPort('redis', redisPort);
      await pidFile.setPort('gateway', gatewayPort);

      const specs = {} as DockerComponents['specs'];
      specs.redis = {
        component: 'redis',
        image: images.redis,
        cmd: ['redis-server', '--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--daemonize', 'no'],
        user: 'redis',
        workingDir: '/tmp',
        healthcheck: { test: ['redis-cli', '-h', '127.0.0.1', '-p', String(redisPort), 'ping'], intervalMs: 1000 },
        ready: (c) => Wait.forAll([Wait.forPort(redisPort), Wait.forLogMessage(() => c.output(), /Ready to accept connections/, { label: 'redis log' })]),
        readyTimeoutMs,
        stopGraceSec: 3,
        logFile: logFile('redis'),
      };
      const containers: DockerComponents['containers'] = {};
      containers.redis = await ManagedContainer.start(specs.redis, deps);
      stack.defer(() => containers.redis?.remove(), 'redis container');

      let toxiproxy: ToxiproxyEndpoints | undefined;
      if (useProxy) {
        const apiUrl = `http://127.0.0.1:${toxiPort}`;
        const real = images.toxiproxy !== images.target;
        const seedArgs = opts.seed === undefined ? [] : [String(opts.seed)];
        const spec: ContainerSpec = {
          component: 'toxiproxy',
          image: images.toxiproxy,
          // The real image's entrypoint is /toxiproxy; the built-in server runs through node.
          cmd: real ? ['-host', '127.0.0.1', '-port', String(toxiPort)] : ['node', '--import', 'tsx', BUILTIN_TOXIPROXY_MAIN, String(toxiPort), ...seedArgs],
          // The built-in server requires the token when one is set (by environment, never argv);
          // the probes send none, so 401 means it answers. Real Toxiproxy has no token.
          env: !real && token ? { HARNESS_TOXIPROXY_TOKEN: token } : undefined,
          healthcheck: real ? 'none' : { test: ['node', '-e', `fetch('${apiUrl}/version').then(r=>process.exit(r.ok||r.status===401?0:1),()=>process.exit(1))`] },
          ready: () => Wait.forHttp(`${apiUrl}/version`, !real && token ? [200, 401] : [200]),
          readyTimeoutMs,
          stopGraceSec: 3,
          logFile: logFile('toxiproxy'),
        };
        containers.toxiproxy = await ManagedContainer.start(spec, deps);
        stack.defer(() => containers.toxiproxy?.remove(), 'toxiproxy container');
        await pidFile.setPort('toxiproxy', toxiPort);
        const proxies = { gateway: proxyName(opts.runId, 'gateway'), redis: proxyName(opts.runId, 'redis') };
        await pidFile.addProxies(apiUrl, [proxies.gateway, proxies.redis]);
        await createProxy(apiUrl, proxies.redis, `127.0.0.1:${redisProxyPort}`, `127.0.0.1:${redisPort}`, { token });
        await createProxy(apiUrl, proxies.gateway, `127.0.0.1:${gatewayProxyPort}`, `127.0.0.1:${gatewayPort}`, { token });
        stack.defer(async () => {
          if (await containers.toxiproxy?.running()) await deleteProxies(apiUrl, [proxies.gateway, proxies.redis], { token });
        }, 'toxiproxy proxies');
        await pidFile.setPort('redis-proxy', redisProxyPort);
        await pidFile.setPort('gateway-proxy', gatewayProxyPort);
        toxiproxy = { apiUrl, proxies };
      }

      const redisUrl = `redis://127.0.0.1:${redisPort}`;
      const gatewayRedisUrl = toxiproxy ? `redis://127.0.0.1:${redisProxyPort}` : redisUrl;
      const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
      const nodeEnv = opts.env.NODE_ENV ?? 'production';
      specs.gateway = {
        component: 'gateway',
        image: images.target,
        cmd: ['node', '--import', 'tsx', 'target/gateway/main.ts'],
        env: { NODE_ENV: nodeEnv, ...opts.gatewayEnv, PORT: String(gatewayPort), HOST: '127.0.0.1', REDIS_URL: gatewayRedisUrl },
        // The image's HEALTHCHECK (GET /health/live on $PORT) applies.
        ready: () => Wait.forHttp(`${gatewayUrl}/health/ready`),
        readyTimeoutMs,
        stopGraceSec: 10,
        logFile: logFile('gateway'),
      };
      specs.worker = {
        component: 'worker',
        image: images.target,
        cmd: ['node', '--import', 'tsx', 'target/worker/main.ts'],
        env: { NODE_ENV: nodeEnv, ...opts.workerEnv, REDIS_URL: redisUrl },
        healthcheck: 'none',
        ready: (c) => Wait.forLogMessage(() => c.output(), /worker ready/, { label: 'worker log' }),
        readyTimeoutMs,
        stopGraceSec: 10,
        logFile: logFile('worker'),
      };
      containers.gateway = await ManagedContainer.start(specs.gateway, deps);
      stack.defer(() => containers.gateway?.remove(), 'gateway container');
      containers.worker = await ManagedContainer.start(specs.worker, deps);
      stack.defer(() => containers.worker?.remove(), 'worker container');

      const targetUrl = toxiproxy ? `http://127.0.0.1:${gatewayProxyPort}` : gatewayUrl;
      const secs = (a: number, b: number) => ((b - a) / 1000).toFixed(1);
      log(
        `docker stack up in ${secs(t0, Date.now())} s (images ${secs(t0, tImages)} s, containers ${secs(tImages, Date.now())} s): target ${targetUrl} (gateway ${gatewayUrl}, redis ${redisUrl}${toxiproxy ? `, toxiproxy ${toxiproxy.apiUrl}` : ', no toxiproxy'})`,
      );
      return new StartedDockerStack({ runId: opts.runId, targetUrl, gatewayUrl, redisUrl, toxiproxy, components: { specs, containers }, stack });
    } catch (e) {
      await stack.disposeAsync().catch((c) => log(`cleanup after failed start: ${(c as Error).message}`));
      throw e;
    }
  }

  /** Makes sure every image exists (base made locally, target built, others local or pulled) and picks fallbacks. */
  async #images(docker: Docker, opts: RuntimeStartOptions): Promise<{ base: string; target: string; redis: string; toxiproxy: string }> {
    const log = opts.log;
    const images = this.config.images;
    const composeBase = readComposeImages(opts.cwd).base;
    const base = images.base ?? composeBase;
    if (!base) throw new InfraError('no base image configured (compose.yml services.base.image)', { hint: 'add the `base` service to compose.yml' });
    // The compose-named base is made locally (no registry here); any other base (e.g. node:20-bookworm-slim) is pulled.
    if (base === composeBase) await ensureBaseImage(docker, { image: base, env: opts.env, log });
    else await ensureImage(docker, base, { log, signal: opts.signal });
    await ensureTargetImage(docker, { cwd: opts.cwd, tag: images.target, baseImage: base, log, signal: opts.signal });

    let redis = images.redis;
    if (!(await imageExists(docker, redis))) {
      log(`redis: ${redis} is not present locally; running redis-server from ${base}`);
      redis = base;
    }
    const choice = this.config.toxiproxy.server;
    let toxiproxy = images.target;
    if (choice === 'binary') {
      await ensureImage(docker, images.toxiproxy, { log, signal: opts.signal });
      toxiproxy = images.toxiproxy;
    } else if (choice === 'auto' && (await imageExists(docker, images.toxiproxy))) {
      toxiproxy = images.toxiproxy;
    } else if (choice === 'auto') {
      log(`toxiproxy: ${images.toxiproxy} is not present locally; running the built-in Toxiproxy-compatible server in ${images.target}`);
    }
    return { base, target: images.target, redis, toxiproxy };
  }
}
