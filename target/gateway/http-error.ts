/**
 * How every plugin answers an error: the catalogue entry (errors.ts) as
 * `{ error, status, code, request_id, ...extra }`, with `Retry-After` (whole seconds, >= 1) when
 * given. A hook or handler throws HttpError; the error handler (errors-plugin.ts) sends it.
 */
import type { FastifyReply } from 'fastify';
import type { ErrorSpec } from './errors';

export class HttpError extends Error {
  constructor(readonly spec: ErrorSpec, readonly extra: Record<string, unknown> = {}, readonly retryAfterS?: number) {
    super(spec.error);
  }
}

export function sendError(reply: FastifyReply, spec: ErrorSpec, extra: Record<string, unknown> = {}, retryAfterS?: number) {
  if (retryAfterS !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterS))));
  return reply.code(spec.status).send({ error: spec.error, status: spec.status, code: spec.code, request_id: reply.request.id, ...extra });
}
