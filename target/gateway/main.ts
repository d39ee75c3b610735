/**
 * `node --import tsx target/gateway/main.ts`: the gateway, configured by environment (see
 * docs/target.md). WORKERS=1 serves in this process; WORKERS>1 makes this the cluster primary.
 * Prints a JSON line with msg "gateway listening" and the URL once every process listens;
 * SIGTERM/SIGINT shut down gracefully (stop accepting, finish in-flight requests, exit 0).
 */
import cluster from 'node:cluster';
import client from 'prom-client';
import { exitCodeOf, formatError } from '../shared/errors';
import { announce, createLogger } from '../shared/logger';
import { runPrimary } from './cluster';
import { loadGatewayConfig } from './config';
import { ClusterControlPlane, isIpc } from './control-plane';
import { startGateway } from './server';

async function main(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const shutdownDelayMs = Number(process.env.SHUTDOWN_DELAY_MS ?? 0) || 0;

  if (config.workers > 1 && cluster.isPrimary) {
    const log = createLogger('gateway', config.logLevel, { role: 'primary' });
    const primary = runPrimary(config, log);
    const onSignal = (sig: NodeJS.Signals) => {
      log.info({ signal: sig }, 'shutting down');
      primary.stop().then(() => {
        log.info('gateway stopped');
        process.exit(0);
      });
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    return;
  }

  const clustered = cluster.isWorker;
  const log = createLogger('gateway', config.logLevel);
  const gw = await startGateway(config, {
    logger: log,
    shutdownDelayMs,
    controlPlane: clustered ? (local) => new ClusterControlPlane(local) : undefined,
    onRegistry: clustered
      ? (registry) => {
          // Constructing one registers prom-client's IPC listener; ours is the registry to aggregate.
          new client.AggregatorRegistry();
          client.AggregatorRegistry.setRegistries([registry]);
        }
      : undefined,
  });
  if (!clustered) announce('gateway', 'gateway listening', { url: gw.url, port: gw.port, workers: 1 });

  const shutdown = () =>
    gw.close().then(
      () => process.exit(0),
      (e) => {
        log.error({ err: (e as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  // In a cluster the primary decides (SIGINT from a terminal reaches every process: ignore it here).
  if (clustered) {
    process.on('message', (m) => isIpc(m) && m.th === 'shutdown' && void shutdown());
    process.on('SIGINT', () => {});
    process.once('SIGTERM', () => void shutdown());
  } else {
    process.once('SIGTERM', () => void shutdown());
    process.once('SIGINT', () => void shutdown());
  }
}

main().catch((e) => {
  process.stderr.write(formatError(e) + '\n');
  process.exit(exitCodeOf(e));
});
