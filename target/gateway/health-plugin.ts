/**
 * Health: GET /health/live (the process), /health/ready (can it take samples now), /health
 * (ok, degraded or down) and /health/detailed (every component). Readiness probes Redis through
 * the circuit breaker, so once Redis is back a probe can close a half-open breaker.
 */
import type { FastifyInstance } from 'fastify';
import type { GatewayPluginOptions } from './gateway-context';
import { mergeSnapshots } from './process-state';

export async function healthPlugin(app: FastifyInstance, { ctx }: GatewayPluginOptions): Promise<void> {
  const { config, state, breaker, redis, keys, writer, control, local } = ctx;

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
}
