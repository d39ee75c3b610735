/**
 * Status and control: GET /status (every process's counters summed, the Redis queue and
 * counters), POST /start and /stop (the ingest switch of every process), POST /reset
 * (`?drain=true` or `{ "drain": true }` also empties the queue and the accounting). The control
 * routes need the API key when one is set; /status stays open.
 */
import type { FastifyInstance } from 'fastify';
import { resetAccounting } from '../shared/accounting';
import { apiKeyCheck } from './api-key';
import type { GatewayPluginOptions } from './gateway-context';
import { mergeSnapshots } from './process-state';

export async function controlPlugin(app: FastifyInstance, { ctx }: GatewayPluginOptions): Promise<void> {
  const { config, control, redis, keys } = ctx;
  const requireKey = apiKeyCheck(config);

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
}
