import assert from 'node:assert/strict';
import client from 'prom-client';
import { createGatewayMetrics } from './metrics';

describe('gateway metrics: the request duration histogram', () => {
  it('exports exactly what a prom-client Histogram with the same name, labels and buckets exports, alone and aggregated', async () => {
    const ours = createGatewayMetrics();
    const reg = new client.Registry();
    const theirs = new client.Histogram({
      name: 'telemetryhub_http_request_duration_seconds',
      help: 'HTTP request duration.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [reg],
    });
    const seen: [string, string, number, number][] = [
      ['POST', '/telemetry', 202, 0.003],
      ['POST', '/telemetry', 202, 0.0005],
      ['GET', 'unmatched', 404, 7],
      ['POST', '/telemetry', 400, 0.02],
      ['POST', '/telemetry', 202, 0.25],
      ['GET', '/status', 200, 0.0001],
    ];
    for (const [method, route, status, s] of seen) {
      ours.httpDuration.observe(method, route, status, s);
      theirs.observe({ method, route, status }, s);
    }
    const lines = async (r: client.Registry) => (await r.metrics()).split('\n').filter((l) => l.includes('http_request_duration')).sort();
    const json = async (r: client.Registry) => (await r.getMetricsAsJSON()).find((m) => m.name === 'telemetryhub_http_request_duration_seconds');
    assert.deepEqual(await lines(ours.registry), await lines(reg));
    assert.ok((await lines(reg)).length > 50);
    const sortValues = (m: unknown) => JSON.stringify((m as { values: unknown[] }).values.map((v) => JSON.stringify(v)).sort());
    assert.equal(sortValues(await json(ours.registry)), sortValues(await json(reg)));
    const agg = async (r: client.Registry) => lines(client.AggregatorRegistry.aggregate([await r.getMetricsAsJSON(), await r.getMetricsAsJSON()]));
    assert.deepEqual(await agg(ours.registry), await agg(reg));
    ours.registry.resetMetrics();
    assert.deepEqual(await lines(ours.registry), ['# HELP telemetryhub_http_request_duration_seconds HTTP request duration.', '# TYPE telemetryhub_http_request_duration_seconds histogram'].sort());
  });
});
