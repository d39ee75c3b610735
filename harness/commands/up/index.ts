import { relative } from 'node:path';
import { LOCAL_INFLUX_TOKEN, loadConfig, readComposeFile, type ConfigFlags, type HarnessConfig } from '../../config';
import { ExitCode, InfraError, InvalidConfigError } from '../../errors';
import type { RuntimeRegistry } from '../../runtimes';
import type { ObservabilityEndpoints } from '../../runtimes/docker';
import { RunSession } from '../../run';
import type { CommandContext } from '../context';

export interface UpOptions extends Pick<ConfigFlags, 'runtime' | 'targetUrl' | 'seed' | 'toxiproxy'> {
  config?: string;
  runId?: string;
  runtimes?: RuntimeRegistry;
  /** Also InfluxDB and Grafana from compose.yml's `observability` profile (through dockerode). */
  observability?: boolean;
}

/**
 * `harness up`: a run session (no watchdog) whose middle step starts the stack and keeps it:
 * recorded in `reports/.harness-up.json` so `harness down` can stop it. Prints the URLs.
 * With `--observability` the images are checked (and pulled) before anything is created, so a
 * machine without a registry fails in seconds and leaves nothing, not even a run directory.
 */
export async function up(opts: UpOptions, ctx: CommandContext): Promise<number> {
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, flags: opts, configFile: opts.config });
  const observability = opts.observability ? await prepareObservability(config, ctx) : undefined;
  const finished = await RunSession.run({ ctx, config, label: 'up', info: { kind: 'up', observability: Boolean(opts.observability) }, runId: opts.runId, watchdog: false, runtimes: opts.runtimes }, async (session) => {
    const obs = observability ? await observability.start(session) : undefined;
    let started;
    try {
      started = await session.startStack({ keep: true, upState: obs ? { observability: obs.endpoints } : undefined });
    } catch (e) {
      // the target did not come up: the observability containers must not outlive this `up`
      await obs?.stop().catch((c: Error) => session.say(`could not remove the observability containers: ${c.message}`));
      throw e;
    }
    const { stack } = started;
    if (obs) session.info.observability = obs.endpoints;
    ctx.stdout.write(
      [
        `stack ${session.runId} is up (${stack.runtime})`,
        `  target (through toxiproxy): ${stack.targetUrl}`,
        `  gateway (direct):           ${stack.gatewayUrl}`,
        ...(stack.redisUrl ? [`  redis:                      ${stack.redisUrl}`] : []),
        ...(stack.toxiproxy ? [`  toxiproxy API:              ${stack.toxiproxy.apiUrl} (proxies ${stack.toxiproxy.proxies.gateway}, ${stack.toxiproxy.proxies.redis})`] : []),
        ...(obs ? observabilityLines(obs.endpoints, config) : []),
        `  logs:                       ${relative(ctx.cwd, session.dir.logs)}`,
        `run against it: harness run <scenario> --runtime external --target-url ${stack.targetUrl}`,
        ...(obs ? [`stream a run:   harness run high-concurrency --out influxdb   (then open ${obs.endpoints.grafanaUrl}/d/harness-load-test)`] : []),
        'stop it:        harness down',
        '',
      ].join('\n'),
    );
    return ExitCode.Ok;
  });
  return finished.code;
}

/**
 * What may be printed: URLs, org, bucket, and the token only when it is the documented local
 * development token (LOCAL_INFLUX_TOKEN); a token from HARNESS_INFLUXDB_TOKEN is named, not shown.
 */
function observabilityLines(ep: ObservabilityEndpoints, config: HarnessConfig): string[] {
  const token = ep.localToken ? `INFLUX_TOKEN=${LOCAL_INFLUX_TOKEN}` : 'INFLUX_TOKEN="$HARNESS_INFLUXDB_TOKEN"';
  const settingsMatch = config.influxdb.url === ep.influxUrl && config.influxdb.org === ep.org && config.influxdb.bucket === ep.bucket;
  return [
    `  grafana:                    ${ep.grafanaUrl} (anonymous viewer; dashboards in folder Harness)`,
    `  influxdb:                   ${ep.influxUrl} (org ${ep.org}, bucket ${ep.bucket}; InfluxQL through the bucket's DBRP mapping)`,
    `  for other tools:            INFLUX_URL=${ep.influxUrl} INFLUX_ORG=${ep.org} INFLUX_BUCKET=${ep.bucket} ${token} GRAFANA_URL=${ep.grafanaUrl}`,
    ...(settingsMatch ? [] : [`  note: this harness's --out influxdb settings point elsewhere (${config.influxdb.url} org ${config.influxdb.org} bucket ${config.influxdb.bucket}); unset INFLUX_URL/ORG/BUCKET to use the stack`]),
  ];
}

interface PreparedObservability {
  start(session: RunSession): Promise<{ endpoints: ObservabilityEndpoints; stop(): Promise<void> }>;
}

/** Docker reachable, compose.yml's profile readable, host ports free, images present (pulled if need be). */
async function prepareObservability(config: HarnessConfig, ctx: CommandContext): Promise<PreparedObservability> {
  const docker = await import('../../runtimes/docker');
  const compose = readComposeFile(ctx.cwd, ctx.env);
  if (!compose) throw new InvalidConfigError(`no compose.yml in ${ctx.cwd}`, [], { hint: 'harness up --observability starts compose.yml\'s "observability" profile; run it from the project root' });
  const hostPorts = { influxdb: config.ports.influxdb, grafana: config.ports.grafana };
  const specsFor = (runId: string, runDir: string) => docker.observabilitySpecs(compose, { cwd: ctx.cwd, runId, runDir, hostPorts, readyTimeoutMs: config.runtime.readyTimeoutMs });
  const preflight = specsFor('preflight', ctx.cwd);
  const client = docker.dockerClient(ctx.env);
  if (!(await docker.pingDocker(client, 3000))) throw new InfraError('Docker daemon not reachable (harness up --observability runs InfluxDB and Grafana as containers)', { hint: 'start Docker (e.g. `dockerd &` as root) or set DOCKER_HOST' });
  await docker.checkPortsFree(preflight);
  await docker.ensureObservabilityImages(
    client,
    preflight.map((s) => s.image),
    { log: (l) => ctx.stderr.write(`${l}\n`), signal: ctx.signal, stallTimeoutMs: config.runtime.pullStallTimeoutMs },
  );
  return {
    start: (session) =>
      docker.startObservability(specsFor(session.runId, session.dir.path), { docker: client, runId: session.runId, pidFile: session.scope.pidFile, signal: ctx.signal, log: (l) => session.say(`  ${l}`) }),
  };
}
