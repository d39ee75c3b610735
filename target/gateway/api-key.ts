/**
 * The API key check (off unless API_KEY is set), a preHandler of the ingest and control routes;
 * health, status and metrics stay open. Accepts `X-API-Key: <key>` or `Authorization: Bearer <key>`,
 * compared in constant time. `onReject` lets the ingest routes count the rejected samples.
 * Without API_KEY there is no check at all (undefined, not a no-op hook: a hook costs every request).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfig } from './config';
import { GatewayErrors } from './errors';
import { HttpError } from './http-error';

export type ApiKeyCheck = ((req: FastifyRequest) => Promise<void>) | undefined;

export function apiKeyCheck(config: Pick<GatewayConfig, 'apiKey'>, onReject?: (req: FastifyRequest) => void): ApiKeyCheck {
  const keyBuf = config.apiKey ? Buffer.from(config.apiKey) : undefined;
  if (!keyBuf) return undefined;
  return async (req: FastifyRequest) => {
    const auth = req.headers.authorization;
    const given = (req.headers['x-api-key'] as string | undefined) ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : undefined);
    const buf = Buffer.from(given ?? '');
    if (buf.length !== keyBuf.length || !timingSafeEqual(buf, keyBuf)) {
      onReject?.(req);
      throw new HttpError(GatewayErrors.Unauthorized);
    }
  };
}
