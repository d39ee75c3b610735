import assert from 'node:assert/strict';
import { parseThresholdsConfig, SampleMetrics, ThresholdsEvaluator } from './index';

describe('vocabulary/thresholds: evaluating a k6 stream outside the engine', () => {
  const setup = (option: Record<string, string[]>) => {
    const metrics = new SampleMetrics([
      ['http_req_duration', 'trend'],
      ['http_reqs', 'counter'],
      ['vus', 'gauge'],
      ['http_req_failed', 'rate'],
    ]);
    const { config, problems } = parseThresholdsConfig(option);
    assert.deepEqual(problems, []);
    const evaluator = new ThresholdsEvaluator(config, metrics);
    const add = (metric: string, value: number, tags: Record<string, string> = {}) => metrics.add({ metric, value, tags });
    return { metrics, evaluator, add };
  };

  it('full k6 grammar (value, ===, exponents) over submetrics selected by every tag', () => {
    const { evaluator, add, metrics } = setup({
      vus: ['value===3'],
      'http_req_duration{status:200,method:POST}': ['p(50)<1e2', 'max<=2.5e2'],
      'http_req_failed{phase:baseline}': ['rate<0.01'],
      http_reqs: ['count==4', 'rate>=2'],
    });
    add('vus', 5);
    add('vus', 3);
    add('http_req_duration', 50, { status: '200', method: 'POST' });
    add('http_req_duration', 250, { status: '200', method: 'POST', phase: 'x' });
    add('http_req_duration', 9999, { status: '200', method: 'GET' });
    add('http_req_failed', 1, { phase: 'fault' });
    for (let i = 0; i < 4; i++) add('http_reqs', 1);
    const r = evaluator.evaluate(2000, { final: true });
    assert.deepEqual(r.breached, ['http_req_duration{status:200,method:POST}']);
    assert.deepEqual(
      evaluator.outcomes().map((o) => [o.metric, o.source, o.ok, o.value]),
      [
        ['vus', 'value===3', true, 3],
        ['http_req_duration{status:200,method:POST}', 'p(50)<1e2', false, 150],
        ['http_req_duration{status:200,method:POST}', 'max<=2.5e2', true, 250],
        ['http_req_failed{phase:baseline}', 'rate<0.01', true, undefined],
        ['http_reqs', 'count==4', true, 4],
        ['http_reqs', 'rate>=2', true, 2],
      ],
    );
    assert.equal(metrics.samples('http_req_duration{status:200,method:POST}'), 2);
    assert.equal(metrics.samples('http_req_failed{phase:baseline}'), 0);
    // a rate without samples cannot be evaluated: an error, not a breach (as k6)
    assert.equal(r.errors.length, 1);
  });

  it('a breach is reported with k6 names; an unknown metric cannot be bound', () => {
    const { evaluator, add } = setup({ 'http_req_duration{status:503}': ['avg<100'] });
    add('http_req_duration', 300, { status: '503' });
    assert.deepEqual(evaluator.evaluate(1000, { final: true }).breached, ['http_req_duration{status:503}']);
    assert.throws(() => new ThresholdsEvaluator(parseThresholdsConfig({ nope: ['count>0'] }).config, new SampleMetrics()), /no metric named "nope"/);
  });
});
