import assert from 'node:assert/strict';
import type { Sample } from '../types';
import type { Output } from '../output/types';
import { createMetricRegistry, K6MetricRegistry } from './metric-registry';
import { MetricsEngine } from './metrics-engine';

describe('metric registry', () => {
  it('pre-registers k6 built-ins with their types', () => {
    const r = createMetricRegistry();
    assert.deepEqual(r.get('http_req_duration'), { name: 'http_req_duration', type: 'trend', contains: 'time' });
    assert.deepEqual(r.get('data_sent'), { name: 'data_sent', type: 'counter', contains: 'data' });
    assert.deepEqual(r.get('checks'), { name: 'checks', type: 'rate', contains: 'default' });
    assert.deepEqual(r.get('vus_max'), { name: 'vus_max', type: 'gauge', contains: 'default' });
    assert.ok(r.get('dropped_iterations'));
  });

  it('rejects invalid names and conflicting redefinitions with k6 messages', () => {
    const r = new K6MetricRegistry();
    assert.throws(() => r.getOrCreate('a', 'counter'), /^Error: Invalid metric name: 'a'\. Metric names must only include/);
    assert.throws(() => r.getOrCreate('1abc', 'counter'), /Invalid metric name/);
    assert.throws(() => r.getOrCreate('has-dash', 'counter'), /Invalid metric name/);
    assert.throws(() => r.getOrCreate('x'.repeat(130), 'counter'), /Invalid metric name/);
    const m = r.getOrCreate('my_trend', 'trend', 'time');
    assert.equal(r.getOrCreate('my_trend', 'trend'), m);
    assert.throws(() => r.getOrCreate('my_trend', 'counter'), /metric 'my_trend' already exists but with type trend, instead of counter/);
    assert.throws(() => r.getOrCreate('my_trend', 'trend', 'default'), /already exists but with a value type time, instead of default/);
    assert.deepEqual(r.all().map((d) => d.name), ['my_trend']);
  });
});

describe('MetricsEngine', () => {
  const s = (metric: string, value: number, tags: Record<string, string> = {}): Sample => ({ metric, time: 1_700_000_000_000, value, tags });

  it('aggregates into the metric and every matching submetric', () => {
    const engine = new MetricsEngine({ registry: createMetricRegistry() });
    engine.ensureSubmetric('http_req_duration{status:200}');
    engine.ensureSubmetric("http_req_duration{ status: '200' , method:GET}");
    for (const [v, status, method] of [[1, '200', 'GET'], [2, '200', 'POST'], [3, '500', 'GET']] as const) {
      engine.push(s('http_req_duration', v, { status, method, expected_response: status === '200' ? 'true' : 'false' }));
    }
    const count = (name: string) => (engine.metric(name)!.sink as { count(): number }).count();
    assert.equal(count('http_req_duration'), 3);
    assert.equal(count('http_req_duration{status:200}'), 2);
    assert.equal(count("http_req_duration{status: '200' , method:GET}"), 1);
    assert.equal(count('http_req_duration{expected_response:true}'), 2);
    // the same selection written differently is the same submetric (k6 compares tag sets)
    assert.equal(engine.ensureSubmetric('http_req_duration{"status":"200"}').name, 'http_req_duration{status:200}');
    assert.deepEqual(
      engine.observedMetrics().map((m) => m.name),
      ['http_req_duration', 'http_req_duration{status:200}', "http_req_duration{status: '200' , method:GET}", 'http_req_duration{expected_response:true}'],
    );
  });

  it('reports k6 errors for bad submetric keys and unregistered metrics', () => {
    const engine = new MetricsEngine({ registry: createMetricRegistry() });
    assert.throws(() => engine.ensureSubmetric('nope{a:b}'), /metric 'nope' does not exist in the script/);
    assert.throws(() => engine.ensureSubmetric('vus{a:b'), /missing ending bracket/);
    assert.throws(() => engine.ensureSubmetric('vus{ }'), /submetric criteria for metric 'vus' cannot be empty/);
    assert.throws(() => engine.push(s('unknown_metric', 1)), /unregistered metric 'unknown_metric'/);
  });

  it('builds the group/check tree from group and check tags, with k6 ids', () => {
    const engine = new MetricsEngine({ registry: createMetricRegistry() });
    engine.push(s('data_sent', 0, { group: '::setup' }));
    engine.push(s('checks', 1, { group: '', check: 'ok' }));
    engine.push(s('checks', 0, { group: '::a::b', check: 'deep' }));
    engine.push(s('checks', 1, { group: '::a::b', check: 'deep' }));
    engine.push(s('checks', 0, { group: '', check: 'ok' }));
    const root = engine.groups.root;
    assert.equal(root.id, 'd41d8cd98f00b204e9800998ecf8427e');
    assert.deepEqual(root.groups.map((g) => g.path), ['::setup', '::a']);
    assert.equal(root.groups[0].id, '5c0f8025f7e0b6654089e5b00e950f1a');
    assert.deepEqual(root.groups[1].groups[0].checks, [{ name: 'deep', path: '::a::b::deep', id: root.groups[1].groups[0].checks[0].id, passes: 1, fails: 1 }]);
    assert.deepEqual(root.checks.map((c) => [c.name, c.passes, c.fails]), [['ok', 1, 1]]);
  });

  it('fans samples out to outputs in batches, in order', async () => {
    const got: Sample[][] = [];
    const out: Output = { description: () => 'test', start: async () => {}, stop: async () => {}, write: (b) => void got.push([...b]) };
    const engine = new MetricsEngine({ registry: createMetricRegistry(), outputs: [out], flushIntervalMs: 5 });
    engine.push(s('vus', 1));
    engine.push(s('vus', 2));
    await new Promise((r) => setTimeout(r, 30));
    engine.push(s('vus', 3));
    engine.flushOutputs();
    assert.deepEqual(got.map((b) => b.map((x) => x.value)), [[1, 2], [3]]);
  });

  it('describes metrics for Metric lines (thresholds and submetrics)', () => {
    const engine = new MetricsEngine({ registry: createMetricRegistry() });
    engine.ensureSubmetric('http_req_duration{scenario:ingest}');
    assert.deepEqual(engine.metricInfo('http_req_duration'), {
      name: 'http_req_duration', type: 'trend', contains: 'time', thresholds: [],
      submetrics: [
        { name: 'http_req_duration{scenario:ingest}', suffix: 'scenario:ingest', tags: { scenario: 'ingest' } },
        { name: 'http_req_duration{expected_response:true}', suffix: 'expected_response:true', tags: { expected_response: 'true' } },
      ],
    });
    assert.equal(engine.metricInfo('vus').submetrics, null);
  });
});
