/**
 * Request accounting for every route (a root plugin, so its onResponse hook also sees the
 * routes of the encapsulated plugins and 404s): status counts for /status, the
 * `telemetryhub_http_request_duration_seconds` histogram, a warning per 5xx; and GET /metrics,
 * Prometheus text of every process (through the control plane) plus the figures kept in Redis.
 */
import { redisMetricsText } from './metrics';
import type { GatewayPluginOptions } from './gateway-context';
import { rootPlugin } from './root-plugin';

export const metricsPlugin = rootPlugin<GatewayPluginOptions>('telemetryhub-metrics', async (app, { ctx }) => {
  const { state, metrics, control, redis, keys } = ctx;
  const debug = ctx.log.isLevelEnabled('debug');
  // Callback-style hook: an async hook costs a promise and its resolution per request.
  app.addHook('onResponse', (req, reply, done) => {
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    state.noteStatus(status);
    metrics.httpDuration.observe(req.method, req.routeOptions.url ?? 'unmatched', status, ms / 1000);
    if (status >= 500) req.log.warn({ method: req.method, url: req.url, status, ms }, 'request failed');
    else if (debug) req.log.debug({ method: req.method, url: req.url, status, ms }, 'request');
    done();
  });

  app.get('/metrics', async (_req, reply) => {
    const [text, extra] = await Promise.all([control.metrics(), redisMetricsText(redis, keys)]);
    return reply.header('content-type', metrics.registry.contentType).send(text + extra);
  });
});
