import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { LOCAL_INFLUX_TOKEN, profileServices, type ComposeFile, type ComposeService } from '../../config';
import { AbortedError, InfraError, InvalidConfigError } from '../../errors';
import { AsyncDisposableStack } from '../../lifecycle';
import type { PidFile } from '../../run-record';
import { Wait } from '../../wait';
import { imageExists } from './base-image';
import { runLabels } from './labels';
import { ManagedContainer, type ContainerSpec } from './managed-container';
import { pullImage, PullFailure } from './pull-image';

/** The compose.yml profile `harness up --observability` starts. */
export const OBSERVABILITY_PROFILE = 'observability';

export interface ObservabilityOptions {
  /** Project root: compose.yml's relative mounts (`./grafana`) resolve against it. */
  cwd: string;
  runId: string;
  /** `<runDir>/logs/<service>.log`. */
  runDir: string;
  /**
   * Host ports by service name (`ports.influxdb`, `ports.grafana` of the config); each replaces
   * the host port of the service's first published port, whose default is compose.yml's.
   */
  hostPorts?: Record<string, number>;
  readyTimeoutMs?: number;
}

/**
 * The containers of compose.yml's `observability` profile, as dockerode specs: compose.yml is
 * the one definition (image tags, command, environment with `${VAR:-default}` interpolated from the
 * caller's env, bind mounts, published ports), the harness adds what Compose does implicitly
 * (a bridge network where each service is reachable by its name) plus run-id labels and
 * readiness checks. Ports must be published on 127.0.0.1.
 */
export function observabilitySpecs(compose: ComposeFile, o: ObservabilityOptions): ContainerSpec[] {
  const services = profileServices(compose, OBSERVABILITY_PROFILE);
  if (!services.length) throw new InvalidConfigError(`compose.yml has no service in profile "${OBSERVABILITY_PROFILE}"`, [], { hint: 'see docs/influxdb.md for the influxdb and grafana services' });
  const problems: string[] = [];
  const network = observabilityNetworkName(o.runId);
  const specs = services.map((svc): ContainerSpec => {
    if (!svc.image) problems.push(`services.${svc.name}: needs an image (the harness does not build observability images)`);
    const ports = svc.ports.map((p, i) => ({ hostIp: p.hostIp, containerPort: p.containerPort, hostPort: i === 0 ? (o.hostPorts?.[svc.name] ?? p.hostPort) : p.hostPort }));
    for (const p of ports) if (p.hostIp !== '127.0.0.1') problems.push(`services.${svc.name}.ports: "${p.hostIp}:${p.hostPort}:${p.containerPort}" must publish on 127.0.0.1 only`);
    const mounts = svc.volumes.map((v) => {
      if (!/^\.{0,2}\//.test(v.source)) problems.push(`services.${svc.name}.volumes: "${v.source}" must be a path (named volumes are not supported)`);
      const source = resolve(o.cwd, v.source);
      if (!existsSync(source)) problems.push(`services.${svc.name}.volumes: ${v.source} does not exist under ${o.cwd}`);
      return { source, target: v.target, readOnly: v.readOnly };
    });
    return {
      component: svc.name,
      image: svc.image ?? '',
      cmd: svc.command,
      env: svc.environment,
      healthcheck: undefined,
      network: { name: network, aliases: [svc.name], ports },
      mounts,
      ready: () => readiness(svc, ports[0]?.hostPort),
      // Grafana's first start (database migrations) takes tens of seconds on a busy machine
      readyTimeoutMs: Math.max(o.readyTimeoutMs ?? 0, 120_000),
      stopGraceSec: 10,
      logFile: join(o.runDir, 'logs', `${svc.name}.log`),
    };
  });
  if (problems.length) throw new InvalidConfigError(`compose.yml profile "${OBSERVABILITY_PROFILE}" cannot be started by the harness`, problems, { hint: 'keep it to images, environment, ./path mounts and 127.0.0.1 ports' });
  return specs;
}

export function observabilityNetworkName(runId: string): string {
  return `harness-${runId}-observability`;
}

/** Ready when the service's health endpoint answers (InfluxDB `/health` after its setup, Grafana `/api/health`); else its port. */
function readiness(svc: ComposeService, hostPort: number | undefined) {
  if (hostPort === undefined) return Wait.forAll([]);
  const base = `http://127.0.0.1:${hostPort}`;
  if (svc.name === 'influxdb') return Wait.forHttp(`${base}/health`);
  if (svc.name === 'grafana') return Wait.forHttp(`${base}/api/health`);
  return Wait.forPort(hostPort);
}

/** What a started observability stack offers (never the token unless it is LOCAL_INFLUX_TOKEN). */
export interface ObservabilityEndpoints {
  influxUrl: string;
  grafanaUrl: string;
  org: string;
  bucket: string;
  /** True when the token is compose.yml's documented default (printable); else set by HARNESS_INFLUXDB_TOKEN. */
  localToken: boolean;
}

export function observabilityEndpoints(specs: ContainerSpec[]): ObservabilityEndpoints {
  const influx = specs.find((s) => s.component === 'influxdb');
  const grafana = specs.find((s) => s.component === 'grafana');
  const port = (s: ContainerSpec | undefined) => s?.network?.ports[0]?.hostPort;
  if (!influx || !grafana || port(influx) === undefined || port(grafana) === undefined) {
    throw new InvalidConfigError(`compose.yml profile "${OBSERVABILITY_PROFILE}" needs services influxdb and grafana, each publishing a port`, []);
  }
  const env = influx.env ?? {};
  return {
    influxUrl: `http://127.0.0.1:${port(influx)}`,
    grafanaUrl: `http://127.0.0.1:${port(grafana)}`,
    org: env.DOCKER_INFLUXDB_INIT_ORG ?? '',
    bucket: env.DOCKER_INFLUXDB_INIT_BUCKET ?? '',
    localToken: env.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN === LOCAL_INFLUX_TOKEN,
  };
}

export interface ImageCheckOptions {
  log: (line: string) => void;
  signal?: AbortSignal;
  stallTimeoutMs?: number;
  /** Whole pull (Grafana is a few hundred MB). Default 10 min. */
  timeoutMs?: number;
}

/**
 * Makes every image present: local ones are used, missing ones pulled. Fails fast and in one
 * line when they cannot be pulled: a DNS failure shows at once; a registry that does not answer
 * after `stallTimeoutMs`. After an unreachable registry no further pull is tried.
 */
export async function ensureObservabilityImages(docker: Docker, images: string[], o: ImageCheckOptions): Promise<void> {
  const missing: string[] = [];
  for (const ref of [...new Set(images)]) if (!(await imageExists(docker, ref))) missing.push(ref);
  for (const [i, ref] of missing.entries()) {
    try {
      await pullImage(docker, ref, { log: o.log, signal: o.signal, stallTimeoutMs: o.stallTimeoutMs, timeoutMs: o.timeoutMs ?? 600_000 });
    } catch (e) {
      if (!(e instanceof PullFailure)) throw e;
      if (e.reason === 'interrupted') throw new AbortedError(`interrupted while pulling ${ref}`);
      const notPresent = missing.slice(i).join(', ');
      const what = e.unreachable ? `no image registry reachable (${e.reason})` : `pulling ${ref} failed (${e.reason})`;
      throw new InfraError(
        `observability images missing: ${notPresent} not present locally and ${what}; load them (\`docker save\` where a registry is reachable, then \`docker load -i <file>\` here) or set a registry mirror (registry-mirrors in /etc/docker/daemon.json)`,
      );
    }
  }
}

/** Fails (one line) when a host port to publish is taken: a second `up --observability`, a local Grafana. */
export async function checkPortsFree(specs: ContainerSpec[]): Promise<void> {
  for (const s of specs) {
    for (const p of s.network?.ports ?? []) {
      if (await portFree(p.hostIp, p.hostPort)) continue;
      throw new InfraError(
        `${p.hostIp}:${p.hostPort} (${s.component}) is in use; stop what listens there (\`harness down\` if it is an earlier \`harness up --observability\`) or set ports.${s.component} in harness.config.ts`,
      );
    }
  }
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => done(true)));
  });
}

export interface StartObservabilityDeps {
  docker: Docker;
  runId: string;
  pidFile?: PidFile;
  signal?: AbortSignal;
  log: (line: string) => void;
}

/**
 * InfluxDB and Grafana running: their network and containers are labelled with the run id and
 * recorded in pids.json (so `harness down` / `harness reap` remove them); `stop()` removes them
 * (containers with their anonymous volumes, then the network). Idempotent.
 */
export class StartedObservability implements AsyncDisposable {
  #stack: AsyncDisposableStack;
  constructor(
    readonly endpoints: ObservabilityEndpoints,
    readonly containers: ManagedContainer[],
    stack: AsyncDisposableStack,
  ) {
    this.#stack = stack;
  }

  stop(): Promise<void> {
    return this.#stack.disposeAsync();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/**
 * Starts `specs` (images must be present: `ensureObservabilityImages`) on a labelled bridge
 * network, in order, each waited for; then checks that the initialised token writes to the
 * bucket's org. On any failure (or the signal) everything started is removed and the error rethrown.
 */
export async function startObservability(specs: ContainerSpec[], deps: StartObservabilityDeps): Promise<StartedObservability> {
  const endpoints = observabilityEndpoints(specs);
  const stack = new AsyncDisposableStack();
  try {
    const name = specs[0].network!.name;
    const network = await deps.docker.createNetwork({ Name: name, Driver: 'bridge', Labels: runLabels(deps.runId, OBSERVABILITY_PROFILE), CheckDuplicate: true });
    await deps.pidFile?.addDocker('networks', network.id);
    stack.defer(async () => {
      await network.remove().catch((e: Error) => {
        if (!/404|not found/i.test(e.message)) throw e;
      });
      await deps.pidFile?.removeDocker('networks', network.id);
    }, 'observability network');
    const containers: ManagedContainer[] = [];
    for (const spec of specs) {
      await mkdir(dirname(spec.logFile), { recursive: true });
      const c = await ManagedContainer.start(spec, deps);
      containers.push(c);
      stack.defer(() => c.remove(), `${spec.component} container`);
    }
    const influx = specs.find((s) => s.component === 'influxdb')!;
    await checkInfluxToken(endpoints, influx.env?.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN ?? '');
    return new StartedObservability(endpoints, containers, stack);
  } catch (e) {
    await stack.disposeAsync().catch((c) => deps.log(`cleanup after failed start: ${(c as Error).message}`));
    throw e;
  }
}

/** The setup ran with our org, bucket and token: the bucket is listed for that token. */
async function checkInfluxToken(ep: ObservabilityEndpoints, token: string): Promise<void> {
  const url = `${ep.influxUrl}/api/v2/buckets?org=${encodeURIComponent(ep.org)}&name=${encodeURIComponent(ep.bucket)}`;
  const res = await fetch(url, { headers: { Authorization: `Token ${token}` }, signal: AbortSignal.timeout(5000) }).catch((e: Error) => e);
  const body = res instanceof Error ? undefined : ((await res.json().catch(() => undefined)) as { buckets?: unknown[] } | undefined);
  if (res instanceof Error || !res.ok || !body?.buckets?.length) {
    throw new InfraError(`InfluxDB is up but bucket "${ep.bucket}" of org "${ep.org}" is not readable with the initialised token (${res instanceof Error ? res.message : `status ${res.status}`})`, {
      hint: 'DOCKER_INFLUXDB_INIT_* only apply to an empty data directory; see the influxdb container log',
    });
  }
}
