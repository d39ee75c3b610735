import assert from 'node:assert/strict';
import { parseThresholdsConfig, ThresholdsEvaluator, thresholdsCrossedMessage, type ThresholdsOption } from '../../../vocabulary';
import { createMetricRegistry, MetricsEngine } from './index';

function setup(option: ThresholdsOption) {
  const registry = createMetricRegistry();
  registry.getOrCreate('errors', 'counter');
  registry.getOrCreate('temp', 'gauge');
  const { config, problems } = parseThresholdsConfig(option);
  assert.deepEqual(problems, []);
  const engine = new MetricsEngine({ registry });
  return { engine, th: new ThresholdsEvaluator(config, engine) };
}
const push = (e: MetricsEngine, metric: string, value: number, tags: Record<string, string> = {}) => e.push({ metric, time: 0, value, tags });

describe('thresholds evaluator', () => {
  it('evaluates every aggregation on the right sink (submetric selection by tags)', () => {
    const { engine, th } = setup({
      http_req_duration: ['avg<3', 'min>=1', 'max<=5', 'med==3', 'p(50)==3', 'p(75)==4'],
      'http_req_duration{status:"500"}': ['max<5'],
      errors: ['count<3', 'rate<=2'],
      temp: ['value==-2'],
      checks: ['rate>=0.5'],
    });
    for (const v of [1, 2, 3, 4, 5]) push(engine, 'http_req_duration', v, { status: v === 5 ? '500' : '200' });
    push(engine, 'errors', 2);
    push(engine, 'temp', 3);
    push(engine, 'temp', -2);
    push(engine, 'checks', 1);
    push(engine, 'checks', 0);
    const r = th.evaluate(1000, { final: true });
    // avg=3 (not <3); submetric max=5 (not <5); rate = 2 / 1 s = 2 ok
    assert.deepEqual(r.breached, ['http_req_duration', 'http_req_duration{status:"500"}']);
    assert.deepEqual(th.resultsFor('http_req_duration'), {
      'avg<3': { ok: false }, 'min>=1': { ok: true }, 'max<=5': { ok: true }, 'med==3': { ok: true }, 'p(50)==3': { ok: true }, 'p(75)==4': { ok: true },
    });
    assert.equal(thresholdsCrossedMessage(r.breached), "thresholds on metrics 'http_req_duration, http_req_duration{status:\"500\"}' have been crossed");
  });

  it('skips metrics without samples during the run; at the end evaluates them on zeros', () => {
    const { engine, th } = setup({ errors: ['count>0'], http_req_duration: ['p(95)<100'] });
    assert.deepEqual(th.evaluate(2000, { final: false }), { breached: [], shouldAbort: false, errors: [], noSamples: [] });
    const r = th.evaluate(2000, { final: true });
    assert.deepEqual(r.breached, ['errors']); // count 0 is not > 0
    assert.deepEqual(r.noSamples, ['errors', 'http_req_duration']);
    assert.ok(engine.observedMetrics().some((m) => m.name === 'errors'));
  });

  it('cannot evaluate a rate without samples: an error, thresholds left passing (k6 #2520)', () => {
    const { th } = setup({ http_req_failed: ['rate<0.01'] });
    const r = th.evaluate(1000, { final: true });
    assert.deepEqual(r.breached, []);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0].message, /unable to apply threshold rate<0.01 over metrics; reason: no metric supporting the rate aggregation method found/);
    assert.deepEqual(th.resultsFor('http_req_failed'), { 'rate<0.01': { ok: true } });
  });

  it('aborts on abortOnFail only after delayAbortEval has elapsed, and stays aborted', () => {
    const { engine, th } = setup({
      http_req_failed: [{ threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '10s' }],
      checks: ['rate>0.9'],
    });
    push(engine, 'http_req_failed', 1);
    push(engine, 'checks', 0);
    assert.deepEqual(th.evaluate(5_000, { final: false }).shouldAbort, false);
    assert.deepEqual(th.evaluate(10_000, { final: false }).shouldAbort, false); // delay < elapsed is required
    const r = th.evaluate(10_001, { final: false });
    assert.equal(r.shouldAbort, true);
    assert.deepEqual(r.breached, ['checks', 'http_req_failed']);
    push(engine, 'http_req_failed', 0);
    push(engine, 'http_req_failed', 0);
    assert.equal(th.evaluate(12_000, { final: false }).shouldAbort, false); // recovered: k6 only aborts while breached
  });

  it('aborts immediately without delayAbortEval; a threshold without abortOnFail never aborts', () => {
    const a = setup({ checks: [{ threshold: 'rate>0.9', abortOnFail: true }] });
    push(a.engine, 'checks', 0);
    assert.equal(a.th.evaluate(1, { final: false }).shouldAbort, true);
    const b = setup({ checks: ['rate>0.9'] });
    push(b.engine, 'checks', 0);
    assert.equal(b.th.evaluate(1, { final: false }).shouldAbort, false);
  });

  it('runs periodically and reports the abort once', async () => {
    const { engine, th } = setup({ checks: [{ threshold: 'rate>0.9', abortOnFail: true }] });
    push(engine, 'checks', 0);
    const errors: Error[] = [];
    const stop = th.start({ elapsedMs: () => 5000, onAbort: (e) => errors.push(e), intervalMs: 5 });
    await new Promise((r) => setTimeout(r, 40));
    stop();
    assert.equal(errors.length, 1);
    assert.equal(errors[0].message, "thresholds on metrics 'checks' were crossed; at least one has abortOnFail enabled, stopping test prematurely");
  });
});
