import assert from 'node:assert/strict';
import { parseThresholdsConfig, validateThresholds, thresholdJson } from './config';

describe('thresholds config', () => {
  it('accepts strings and the object form, keeping written order', () => {
    const { config, problems } = parseThresholdsConfig({
      http_req_failed: ['rate<0.01'],
      'http_req_duration{status:200}': ['p(95)<200', { threshold: 'p(99)<500', abortOnFail: true, delayAbortEval: '10s' }],
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(config.entries.map((e) => e.key), ['http_req_failed', 'http_req_duration{status:200}']);
    const t = config.entries[1].thresholds[1];
    assert.equal(t.abortOnFail, true);
    assert.equal(t.delayAbortEvalMs, 10_000);
    assert.deepEqual(thresholdJson(t), { threshold: 'p(99)<500', abortOnFail: true, delayAbortEval: '10s' });
    assert.equal(thresholdJson(config.entries[1].thresholds[0]), 'p(95)<200');
  });

  it('reports every problem at once with its path', () => {
    const { problems } = parseThresholdsConfig({
      a: 'rate<0.1',
      b: ['p(95)<abc', { threshold: 'avg<1', abortOnFail: 'yes' }, { threshold: 'avg<1', delayAbortEval: 'soon' }, 42],
    });
    assert.deepEqual(problems, [
      'thresholds["a"]: must be an array of threshold expressions or {threshold, abortOnFail, delayAbortEval} objects',
      'thresholds["b"][0]: failed parsing threshold "p(95)<abc": right-hand side "abc" is not a number',
      'thresholds["b"][1].abortOnFail: must be a boolean',
      'thresholds["b"][2].delayAbortEval: time: invalid duration "soon"',
      'thresholds["b"][3]: must be a threshold expression string such as "p(95)<200" or an object with a "threshold" string',
    ]);
  });

  it('validates keys and aggregation methods against the registry (after init)', () => {
    // a run's metrics: the engine's registry, or the Metric lines of a stream
    const types = { http_req_duration: 'trend', my_counter: 'counter', vus: 'gauge', checks: 'rate' } as const;
    const registry = { get: (name: string) => (name in types ? { type: types[name as keyof typeof types] } : undefined) };
    const { config, problems } = parseThresholdsConfig({
      http_req_duration: ['rate<0.1', 'p(95)<200'],
      'http_req_duration{status}': ['avg<1'],
      'http_req_duration{status:200': ['avg<1'],
      nope: ['count>1'],
      my_counter: ['count>1', 'rate>2', 'value>1'],
      vus: ['value>1', 'avg<2'],
      checks: ['rate>0.9'],
      'http_req_duration{status:200,method:"POST"}': ['p(99)<1'],
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(validateThresholds(config, registry), [
      'thresholds["http_req_duration"][0]: invalid threshold "rate<0.1": unsupported aggregation method rate on metric http_req_duration of type trend; supported: avg, min, max, med, p(N)',
      'thresholds["http_req_duration{status}"]: parsing metric name failed, metric "status" tag expression is malformed',
      'thresholds["http_req_duration{status:200"]: parsing metric name failed, metric "http_req_duration{status:200" has unmatched opening/close curly brace',
      'thresholds["nope"]: no metric named "nope" exists in the script (built-in or created with k6/metrics)',
      'thresholds["my_counter"][2]: invalid threshold "value>1": unsupported aggregation method value on metric my_counter of type counter; supported: count, rate',
      'thresholds["vus"][1]: invalid threshold "avg<2": unsupported aggregation method avg on metric vus of type gauge; supported: value',
    ]);
  });
});
