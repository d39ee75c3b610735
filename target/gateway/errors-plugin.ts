/**
 * The one place errors become responses, for every route (a root plugin: it must also cover the
 * routes of the encapsulated plugins registered after it):
 *   - body parsing: JSON only; an empty body is "no body" (POST /start from curl or fetch);
 *     anything else is 415;
 *   - the error handler: HttpError from a hook, schema violations (400 with field-level
 *     reasons), 413, 415, malformed JSON, and 500 for anything unexpected;
 *   - 404 for unknown routes.
 * Rejections on the ingest routes are counted in /status and /metrics.
 */
import type { FastifyError, FastifyRequest } from 'fastify';
import { GatewayErrors, type ErrorSpec, type RejectReason } from './errors';
import type { GatewayPluginOptions } from './gateway-context';
import { HttpError, sendError } from './http-error';
import { rootPlugin } from './root-plugin';

const isIngest = (req: FastifyRequest) => req.url.startsWith('/telemetry');

export const errorsPlugin = rootPlugin<GatewayPluginOptions>('telemetryhub-errors', async (app, { ctx }) => {
  const { config } = ctx;

  app.removeAllContentTypeParsers();
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    // Blank means no body; only a body starting with whitespace can be blank (saves a trim per request).
    if (body === '' || (/^\s/.test(body as string) && (body as string).trim() === '')) return done(null, undefined);
    jsonParser(req, body as string, done);
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '') return done(null, undefined);
    done(Object.assign(new Error('unsupported media type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), undefined);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof HttpError) return sendError(reply, err.spec, err.extra, err.retryAfterS);
    const ingest = isIngest(req);
    if (err.validation) {
      if (ingest) ctx.countRejected('invalid', 1, true);
      const reasons = err.validation.slice(0, 20).map((v) => {
        const missing = (v.params as { missingProperty?: string })?.missingProperty;
        const path = ['body', ...v.instancePath.split('/').filter(Boolean), ...(missing ? [missing] : [])].join('.');
        return { path, message: v.message ?? 'invalid' };
      });
      return sendError(reply, GatewayErrors.Validation, { reasons });
    }
    const code = err.code ?? '';
    const fail = (spec: ErrorSpec, reason: RejectReason, extra: Record<string, unknown> = {}) => {
      if (ingest) ctx.countRejected(reason, 1, true);
      return sendError(reply, spec, extra);
    };
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) return fail(GatewayErrors.PayloadTooLarge, 'too_large', { limit_bytes: config.bodyLimitBytes });
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415) return fail(GatewayErrors.UnsupportedMediaType, 'unsupported_media_type');
    if ((err.statusCode ?? 500) < 500) return fail(GatewayErrors.InvalidJson, 'invalid', { reasons: [{ path: 'body', message: err.message }] });
    req.log.error({ err }, 'unhandled error');
    return sendError(reply, GatewayErrors.Internal);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, GatewayErrors.NotFound, { method: req.method, url: req.url.slice(0, 200) }));
});
