/**
 * The TelemetryHub gateway: one fastify server per process.
 *
 *   client ──POST /telemetry──▶ validate ──▶ QueueWriter ──(Lua: cap, rate, LPUSH, INCR)──▶ Redis
 *                                             └─ bounded retry, circuit breaker ─┘
 *
 * `startGateway(config)` builds the process's GatewayContext (gateway-context.ts), the app with
 * one plugin per concern, listens, and resolves to a StartedGateway (type-state: only that has a
 * URL and close()). WORKERS>1 runs one of these per cluster worker (see cluster.ts).
 *
 *   root (app options, x-request-id)
 *   ├─ errorsPlugin   root plugin: body parsers, error handler, 404       errors-plugin.ts
 *   ├─ metricsPlugin  root plugin: onResponse accounting, GET /metrics    metrics-plugin.ts
 *   ├─ ingestPlugin   POST /telemetry, /telemetry/batch                   ingest-plugin.ts
 *   ├─ healthPlugin   GET /health, /health/live, /ready, /detailed        health-plugin.ts
 *   ├─ controlPlugin  GET /status, POST /start, /stop, /reset             control-plugin.ts
 *   └─ debugPlugin    GET /debug/prototypes (TARGET_DEBUG_ENDPOINTS only) debug-plugin.ts
 *
 * The two root plugins come first so their hooks, parsers and error handler reach the routes of
 * the encapsulated ones; every route gets the same hooks as when they all lived in one function.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../shared/keys';
import { createLogger, type Logger } from '../shared/logger';
import type { GatewayConfig } from './config';
import { controlPlugin } from './control-plugin';
import { debugPlugin } from './debug-plugin';
import { errorsPlugin } from './errors-plugin';
import { createGatewayContext, type GatewayContextDeps } from './gateway-context';
import { healthPlugin } from './health-plugin';
import { ingestPlugin } from './ingest-plugin';
import { LazyChildLogger } from './lazy-child-logger';
import { metricsPlugin } from './metrics-plugin';

export interface StartedGateway extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  /** Graceful: 503 on live/ready for SHUTDOWN_DELAY_MS, stop accepting, finish in-flight, quit Redis. Idempotent. */
  close(): Promise<void>;
}

export interface GatewayDeps extends Partial<GatewayContextDeps> {
  logger?: Logger;
  /** Listen on this already-chosen port instead of config.port (tests). */
  port?: number;
  /** Delay before closing during which live/ready answer 503 (default SHUTDOWN_DELAY_MS or 0). */
  shutdownDelayMs?: number;
}

const REQUEST_ID_RE = /^[\w.:\-]{1,128}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startGateway(config: GatewayConfig, deps: GatewayDeps = {}): Promise<StartedGateway> {
  const log = deps.logger ?? createLogger('gateway', config.logLevel);
  const ctx = await createGatewayContext(config, { logger: log, controlPlane: deps.controlPlane, onRegistry: deps.onRegistry });
  const { state, control, redis } = ctx;

  const app = Fastify({
    loggerInstance: log,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger, bindings, opts) => new LazyChildLogger(logger, bindings, opts),
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID_RE.test(h) ? h : randomUUID();
    },
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false } },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  // Callback-style hook: an async hook costs a promise and its resolution per request.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  app.register(errorsPlugin, { ctx });
  app.register(metricsPlugin, { ctx });
  app.register(ingestPlugin, { ctx });
  app.register(healthPlugin, { ctx });
  app.register(controlPlugin, { ctx });
  if (config.debugEndpoints) app.register(debugPlugin, { ctx });

  await app.listen({ port: deps.port ?? config.port, host: config.host });
  const port = (app.server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  const delayMs = deps.shutdownDelayMs ?? 0;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      state.shuttingDown = true;
      log.info({ delayMs }, 'gateway shutting down');
      if (delayMs > 0) await sleep(delayMs);
      const force = setTimeout(() => {
        log.warn('in-flight requests outlived SHUTDOWN_TIMEOUT_MS; closing connections');
        app.server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      try {
        await app.close();
      } finally {
        clearTimeout(force);
        control.close();
        await redis.quit().catch(() => redis.disconnect());
      }
      log.info('gateway stopped');
    })());
  return { url, port, app: app as unknown as FastifyInstance, close, [Symbol.asyncDispose]: close };
}

export type { RedisKeys, Redis };
