/**
 * The TelemetryHub gateway: one fastify server per process.
 *
 *   client ──POST /telemetry──▶ validate ──▶ QueueWriter ──(Lua: cap, rate, LPUSH, INCR)──▶ Redis
 *                                             └─ bounded retry, circuit breaker ─┘
 *
 * `startGateway(config)` listens and resolves to a StartedGateway (type-state: only that has a
 * URL and close()). WORKERS>1 runs one of these per cluster worker (see cluster.ts).
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { resetAccounting } from '../shared/accounting';
import { createLogger, type Logger } from '../shared/logger';
import { redisKeys, type RedisKeys } from '../shared/keys';
import { createFailFastRedis } from '../shared/redis';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';
import type { GatewayConfig } from './config';
import { LocalControlPlane, type ControlCommand, type ControlPlane, type LocalControl } from './control-plane';
import { GatewayErrors, type ErrorSpec, type RejectReason } from './errors';
import { createGatewayMetrics, redisMetricsText, type GatewayMetrics } from './metrics';
import { mergeSnapshots, ProcessState } from './process-state';
import { QueueWriter, type QueuedRecord, type WriteOutcome } from './queue-writer';
import { acceptedSchema, batchSchema, sampleSchema, type Sample } from './schema';

export interface StartedGateway extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  /** Graceful: 503 on live/ready for SHUTDOWN_DELAY_MS, stop accepting, finish in-flight, quit Redis. Idempotent. */
  close(): Promise<void>;
}

export interface GatewayDeps {
  logger?: Logger;
  /** Builds the control plane (cluster mode passes ClusterControlPlane). */
  controlPlane?: (local: LocalControl) => ControlPlane;
  /** Called once with the process metrics registry (cluster mode registers it for aggregation). */
  onRegistry?: (registry: GatewayMetrics['registry']) => void;
  /** Listen on this already-chosen port instead of config.port (tests). */
  port?: number;
  /** Delay before closing during which live/ready answer 503 (default SHUTDOWN_DELAY_MS or 0). */
  shutdownDelayMs?: number;
}

const BREAKER_GAUGE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };
const REQUEST_ID_RE = /^[\w.:\-]{1,128}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class HttpError extends Error {
  constructor(readonly spec: ErrorSpec, readonly extra: Record<string, unknown> = {}, readonly retryAfterS?: number) {
    super(spec.error);
  }
}

export async function startGateway(config: GatewayConfig, deps: GatewayDeps = {}): Promise<StartedGateway> {
  const log = deps.logger ?? createLogger('gateway', config.logLevel);
  const keys = redisKeys(config.keyPrefix);
  const metrics = createGatewayMetrics();
  deps.onRegistry?.(metrics.registry);
  const state = new ProcessState(config.startIngesting);
  const redis = createFailFastRedis(config.redisUrl, { commandTimeoutMs: config.redisCommandTimeoutMs, name: `gateway-${process.pid}`, autoPipelining: false });
  // No auto-pipelining: ingest writes are already grouped per event-loop turn (QueueWriter).
  const breaker = new CircuitBreaker({
    failureThreshold: config.breakerFailureThreshold,
    openMs: config.breakerOpenMs,
    onStateChange: (from, to) => {
      metrics.breakerState.set(BREAKER_GAUGE[to]);
      if (to === 'open') metrics.breakerTrips.inc();
      log.warn({ from, to }, `circuit breaker ${to}`);
    },
  });
  // Give Redis a moment so the first requests do not fail on a connection still opening; start
  // anyway when it is down (readiness reports it, writes answer 503).
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 2000);
    redis.once('ready', () => (clearTimeout(t), resolve()));
  });
  const writer = new QueueWriter(redis, keys, breaker, {
    capacity: config.queueCapacity,
    rateLimitPerDevice: config.rateLimitPerDevice,
    retryDeadlineMs: config.redisRetryDeadlineMs,
    retryBackoffMs: config.redisRetryBackoffMs,
    onRetry: () => metrics.redisRetries.inc(),
    onRedisError: () => state.noteError('redis'),
  });

  /** Counts a rejection in /status and /metrics; `received` too when the handler never ran. */
  const countRejected = (reason: RejectReason, n: number, alsoReceived: boolean) => {
    if (alsoReceived) {
      state.samples.received += n;
      metrics.received.inc(n);
    }
    state.reject(reason, n);
    metrics.rejected.inc({ reason }, n);
  };

  const local: LocalControl = {
    snapshot: () => state.snapshot({ state: breaker.state, trips: breaker.trips }),
    apply: (cmd: ControlCommand) => {
      if (cmd.op === 'start') state.ingesting = true;
      else if (cmd.op === 'stop') state.ingesting = false;
      else {
        state.resetCounters();
        metrics.registry.resetMetrics();
        metrics.breakerState.set(BREAKER_GAUGE[breaker.state]);
      }
      log.info({ op: cmd.op }, `control: ${cmd.op}`);
    },
    metrics: () => metrics.registry.metrics(),
  };
  const control = (deps.controlPlane ?? ((l) => new LocalControlPlane(l)))(local);

  const app = Fastify({
    loggerInstance: log,
    logController: new LogController({ disableRequestLogging: true }),
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

  // JSON only (text/plain would otherwise parse); an empty body is "no body" (POST /start).
  app.removeAllContentTypeParsers();
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) return done(null, undefined);
    jsonParser(req, body as string, done);
  });
  // Any other type: fine when empty (POST /start from curl or fetch), 415 otherwise.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '') return done(null, undefined);
    done(Object.assign(new Error('unsupported media type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), undefined);
  });

  const sendError = (reply: FastifyReply, spec: ErrorSpec, extra: Record<string, unknown> = {}, retryAfterS?: number) => {
    if (retryAfterS !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterS))));
    return reply.code(spec.status).send({ error: spec.error, status: spec.status, code: spec.code, request_id: reply.request.id, ...extra });
  };
  const isIngest = (req: FastifyRequest) => req.url.startsWith('/telemetry');

  // Callback-style hooks: an async hook costs a promise and its resolution per request.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  const debug = log.isLevelEnabled('debug');
  app.addHook('onResponse', (req, reply, done) => {
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    state.noteStatus(status);
    metrics.httpDuration.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status }, ms / 1000);
    if (status >= 500) req.log.warn({ method: req.method, url: req.url, status, ms }, 'request failed');
    else if (debug) req.log.debug({ method: req.method, url: req.url, status, ms }, 'request');
    done();
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof HttpError) return sendError(reply, err.spec, err.extra, err.retryAfterS);
    const ingest = isIngest(req);
    if (err.validation) {
      if (ingest) countRejected('invalid', 1, true);
      const reasons = err.validation.slice(0, 20).map((v) => {
        const missing = (v.params as { missingProperty?: string })?.missingProperty;
        const path = ['body', ...v.instancePath.split('/').filter(Boolean), ...(missing ? [missing] : [])].join('.');
        return { path, message: v.message ?? 'invalid' };
      });
      return sendError(reply, GatewayErrors.Validation, { reasons });
    }
    const code = err.code ?? '';
    const fail = (spec: ErrorSpec, reason: RejectReason, extra: Record<string, unknown> = {}) => {
      if (ingest) countRejected(reason, 1, true);
      return sendError(reply, spec, extra);
    };
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) return fail(GatewayErrors.PayloadTooLarge, 'too_large', { limit_bytes: config.bodyLimitBytes });
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415) return fail(GatewayErrors.UnsupportedMediaType, 'unsupported_media_type');
    if ((err.statusCode ?? 500) < 500) return fail(GatewayErrors.InvalidJson, 'invalid', { reasons: [{ path: 'body', message: err.message }] });
    req.log.error({ err }, 'unhandled error');
    return sendError(reply, GatewayErrors.Internal);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, GatewayErrors.NotFound, { method: req.method, url: req.url.slice(0, 200) }));

  // API key (off by default): ingest and control routes; health, status and metrics stay open.
  const keyBuf = config.apiKey ? Buffer.from(config.apiKey) : undefined;
  const requireKey = keyBuf
    ? async (req: FastifyRequest) => {
        const auth = req.headers.authorization;
        const given = (req.headers['x-api-key'] as string | undefined) ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : undefined);
        const buf = Buffer.from(given ?? '');
        if (buf.length !== keyBuf.length || !timingSafeEqual(buf, keyBuf)) {
          if (isIngest(req)) countRejected('unauthorized', Array.isArray(req.body) ? req.body.length : 1, true);
          throw new HttpError(GatewayErrors.Unauthorized);
        }
      }
    : async () => {};
  const injectDelay = config.injectDelayMs > 0 ? () => sleep(config.injectDelayMs) : () => undefined;

  const ingest = async (req: FastifyRequest, reply: FastifyReply, samples: Sample[]) => {
    const n = samples.length;
    state.samples.received += n;
    metrics.received.inc(n);
    await injectDelay();
    const reject = (reason: RejectReason, spec: ErrorSpec, retryAfterS?: number, extra: Record<string, unknown> = {}) => {
      countRejected(reason, n, false);
      return sendError(reply, spec, extra, retryAfterS);
    };
    if (state.shuttingDown) return reject('shutting_down', GatewayErrors.ShuttingDown, 1);
    if (!state.ingesting) return reject('paused', GatewayErrors.Paused, 1);
    const receivedAt = Date.now();
    const records: QueuedRecord[] = samples.map((s) => {
      const id = randomUUID();
      return { id, device_id: s.device_id, raw: JSON.stringify({ id, request_id: req.id, received_at: receivedAt, device_id: s.device_id, timestamp: s.timestamp, metrics: s.metrics }) };
    });
    const out: WriteOutcome = await writer.write(records);
    switch (out.kind) {
      case 'accepted':
        state.samples.accepted += n;
        metrics.accepted.inc(n);
        return reply.code(202).send(n === 1 && !Array.isArray(req.body) && !(req.body as { samples?: unknown })?.samples ? { id: records[0].id, request_id: req.id, status: 202 } : { ids: records.map((r) => r.id), count: n, request_id: req.id, status: 202 });
      case 'queue-full':
        return reject('queue_full', GatewayErrors.QueueFull, config.queueRetryAfterS, { queue_length: out.queueLength, capacity: config.queueCapacity });
      case 'rate-limited':
        return reject('rate_limited', GatewayErrors.RateLimited, 1, { limit_per_s: config.rateLimitPerDevice });
      case 'breaker-open':
        return reject('breaker_open', GatewayErrors.BreakerOpen, out.retryAfterMs / 1000);
      case 'unavailable':
        if (out.ambiguous) {
          state.samples.ambiguous += n;
          metrics.ambiguous.inc(n);
        }
        req.log.warn({ error: out.error, ambiguous: out.ambiguous }, 'redis write failed after retries');
        return reject('redis_unavailable', GatewayErrors.RedisUnavailable, out.retryAfterMs / 1000);
    }
  };

  app.post<{ Body: Sample }>('/telemetry', { schema: { body: sampleSchema, response: { 202: acceptedSchema } }, preHandler: requireKey }, (req, reply) =>
    ingest(req, reply, [req.body]),
  );
  app.post<{ Body: Sample[] }>(
    '/telemetry/batch',
    {
      schema: { body: batchSchema(config.batchMax) },
      // `{ "samples": [...] }` is accepted too: unwrap before validation.
      preValidation: async (req) => {
        const b = req.body as { samples?: unknown } | undefined;
        if (b && !Array.isArray(b) && typeof b === 'object' && Array.isArray(b.samples) && Object.keys(b).length === 1) req.body = b.samples;
      },
      preHandler: requireKey,
    },
    (req, reply) => ingest(req, reply, req.body),
  );

  // ── health ──────────────────────────────────────────────────────────────────────────────
  /** Reachability + queue depth through the breaker (so a probe can close it once Redis is back). */
  const probeRedis = async (): Promise<{ ok: boolean; depth?: number; latencyMs?: number; error?: string }> => {
    const t0 = performance.now();
    try {
      const depth = await breaker.exec(() => redis.llen(keys.queue));
      writer.lastQueueLength = depth;
      return { ok: true, depth, latencyMs: Math.round((performance.now() - t0) * 100) / 100 };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  };
  const readiness = async () => {
    const r = await probeRedis();
    const reasons: string[] = [];
    if (state.shuttingDown) reasons.push('shutting down');
    if (!state.ingesting) reasons.push('ingestion paused');
    if (!r.ok) reasons.push(`redis unreachable: ${r.error}`);
    if (breaker.state !== 'closed') reasons.push(`circuit breaker ${breaker.state}`);
    if (r.ok && r.depth! >= config.queueHighWater) reasons.push(`queue depth ${r.depth} at or above high-water mark ${config.queueHighWater}`);
    return { ready: reasons.length === 0, reasons, redis: r };
  };

  app.get('/health/live', async (_req, reply) => (state.shuttingDown ? reply.code(503).send({ status: 'shutting down', status_code: 503 }) : { status: 'ok' }));
  app.get('/health/ready', async (_req, reply) => {
    const r = await readiness();
    return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not ready', reasons: r.reasons });
  });
  app.get('/health', async (_req, reply) => {
    const r = await readiness();
    // down: cannot accept anything; degraded: up but not ready (paused, high queue, breaker probing).
    const status = state.shuttingDown || !r.redis.ok ? 'down' : r.ready ? 'ok' : 'degraded';
    return reply.code(status === 'down' ? 503 : 200).send({ status, reasons: r.reasons });
  });
  app.get('/health/detailed', async () => {
    const [r, snaps] = await Promise.all([readiness(), control.snapshots().catch(() => [local.snapshot()])]);
    const merged = mergeSnapshots(snaps);
    let workers: { alive: number; known: number } | { error: string };
    let processing = 0;
    try {
      const ids = await redis.smembers(keys.workers);
      const alive = await Promise.all(ids.map((id) => redis.exists(keys.alive(id))));
      processing = (await Promise.all(ids.map((id) => redis.llen(keys.processing(id))))).reduce((a, b) => a + b, 0);
      workers = { alive: alive.filter(Boolean).length, known: ids.length };
    } catch (e) {
      workers = { error: (e as Error).message };
    }
    return {
      status: r.ready ? 'ok' : 'degraded',
      reasons: r.reasons,
      components: {
        gateway: { status: state.shuttingDown ? 'shutting down' : merged.ingesting ? 'ingesting' : 'paused', processes: merged.processes, pid: process.pid },
        redis: { status: r.redis.ok ? 'up' : 'down', latency_ms: r.redis.latencyMs, error: r.redis.error },
        breaker: { status: merged.breaker.state, trips: merged.breaker.trips, processes: merged.breaker.processes },
        queue: { status: r.redis.ok && r.redis.depth! >= config.queueHighWater ? 'high' : 'ok', depth: r.redis.depth, processing, capacity: config.queueCapacity, high_water: config.queueHighWater },
        worker: workers,
      },
      recent_errors_60s: merged.recentErrors,
    };
  });

  // ── status and control ──────────────────────────────────────────────────────────────────
  app.get('/status', async () => {
    const merged = mergeSnapshots(await control.snapshots());
    let queue: Record<string, unknown>;
    try {
      const [depth, counters] = await Promise.all([redis.llen(keys.queue), redis.hgetall(keys.counters)]);
      queue = { depth, capacity: config.queueCapacity, high_water: config.queueHighWater, accepted_total: Number(counters.accepted ?? 0), processed_total: Number(counters.processed ?? 0), duplicates_total: Number(counters.duplicates ?? 0) };
    } catch (e) {
      queue = { error: (e as Error).message, capacity: config.queueCapacity, high_water: config.queueHighWater };
    }
    return {
      version: config.version,
      uptime_s: Math.round((Date.now() - merged.startedAt) / 1000),
      ingest: merged.ingesting ? 'started' : 'stopped',
      processes: merged.processes,
      samples: merged.samples,
      http: merged.http,
      queue,
      breaker: merged.breaker,
    };
  });
  app.post('/start', { preHandler: requireKey }, async () => {
    await control.apply({ op: 'start' });
    return { ingest: 'started' };
  });
  app.post('/stop', { preHandler: requireKey }, async () => {
    await control.apply({ op: 'stop' });
    return { ingest: 'stopped' };
  });
  app.post<{ Querystring: { drain?: string }; Body: { drain?: boolean } | undefined }>('/reset', { preHandler: requireKey }, async (req) => {
    const drain = req.query.drain === 'true' || req.query.drain === '1' || req.body?.drain === true;
    await control.apply({ op: 'reset' });
    let drained: number | undefined;
    if (drain) {
      drained = await redis.llen(keys.queue);
      await resetAccounting(redis, keys.prefix);
    }
    return { reset: true, drained };
  });
  app.get('/metrics', async (_req, reply) => {
    const [text, extra] = await Promise.all([control.metrics(), redisMetricsText(redis, keys)]);
    return reply.header('content-type', metrics.registry.contentType).send(text + extra);
  });

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
