/**
 * The ingest routes: POST /telemetry (one sample) and POST /telemetry/batch (an array, or
 * `{ "samples": [...] }`, all or nothing). A sample is answered 202 only after Redis holds it
 * (QueueWriter); paused, shutting down, queue full, rate limited, breaker open and Redis down
 * each answer their catalogue error with Retry-After, and are counted by reason.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiKeyCheck } from './api-key';
import { GatewayErrors, type ErrorSpec, type RejectReason } from './errors';
import type { GatewayPluginOptions } from './gateway-context';
import { sendError } from './http-error';
import type { QueuedRecord, WriteOutcome } from './queue-writer';
import { recordJson } from './record-json';
import { batchSchema, sampleSchema, type Sample } from './schema';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** What fastify sets for a serialized object. */
const JSON_TYPE = 'application/json; charset=utf-8';

export async function ingestPlugin(app: FastifyInstance, { ctx }: GatewayPluginOptions): Promise<void> {
  const { config, state, metrics, writer } = ctx;
  const requireKey = apiKeyCheck(config, (req) => ctx.countRejected('unauthorized', Array.isArray(req.body) ? req.body.length : 1, true));
  const injectDelayMs = config.injectDelayMs;

  // The per-request path defines no closures (each costs an allocation, and tsx's keepNames a call).
  const reject = (reply: FastifyReply, n: number, reason: RejectReason, spec: ErrorSpec, retryAfterS?: number, extra?: Record<string, unknown>) => {
    ctx.countRejected(reason, n, false);
    return sendError(reply, spec, extra, retryAfterS);
  };

  const ingest = async (req: FastifyRequest, reply: FastifyReply, samples: Sample[]) => {
    const n = samples.length;
    state.samples.received += n;
    metrics.received.inc(n);
    if (injectDelayMs > 0) await sleep(injectDelayMs); // no `await` at all otherwise: each is a microtask turn
    if (state.shuttingDown) return reject(reply, n, 'shutting_down', GatewayErrors.ShuttingDown, 1);
    if (!state.ingesting) return reject(reply, n, 'paused', GatewayErrors.Paused, 1);
    const receivedAt = Date.now();
    const records: QueuedRecord[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const s = samples[i];
      const id = randomUUID();
      records[i] = { id, device_id: s.device_id, raw: recordJson(id, req.id, receivedAt, s) };
    }
    const out: WriteOutcome = await writer.write(records);
    switch (out.kind) {
      case 'accepted':
        state.samples.accepted += n;
        metrics.accepted.inc(n);
        // One sample: the body as a string (the id and request id need no escaping, see
        // record-json.ts), so fastify runs no serializer; the bytes are those JSON.stringify gives.
        if (n === 1 && !Array.isArray(req.body) && !(req.body as { samples?: unknown })?.samples)
          return reply.code(202).header('content-type', JSON_TYPE).send(`{"id":"${records[0].id}","request_id":"${req.id}","status":202}`);
        return reply.code(202).send({ ids: records.map((r) => r.id), count: n, request_id: req.id, status: 202 });
      case 'queue-full':
        return reject(reply, n, 'queue_full', GatewayErrors.QueueFull, config.queueRetryAfterS, { queue_length: out.queueLength, capacity: config.queueCapacity });
      case 'rate-limited':
        return reject(reply, n, 'rate_limited', GatewayErrors.RateLimited, 1, { limit_per_s: config.rateLimitPerDevice });
      case 'breaker-open':
        return reject(reply, n, 'breaker_open', GatewayErrors.BreakerOpen, out.retryAfterMs / 1000);
      case 'unavailable':
        if (out.ambiguous) {
          state.samples.ambiguous += n;
          metrics.ambiguous.inc(n);
        }
        req.log.warn({ error: out.error, ambiguous: out.ambiguous }, 'redis write failed after retries');
        return reject(reply, n, 'redis_unavailable', GatewayErrors.RedisUnavailable, out.retryAfterMs / 1000);
    }
  };

  app.post<{ Body: Sample }>('/telemetry', { schema: { body: sampleSchema }, preHandler: requireKey }, (req, reply) =>
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
}
