import assert from 'node:assert/strict';
import { GATE_DEFAULTS, resolveConfig, type GateTolerances } from '../config';
import { compareRuns } from './compare-runs';
import type { RunProfile, SeriesProfile } from './run-profile';
import { SeriesTolerances, unmatchedGateMessage } from './series-tolerances';

/** 30 s at 100 req/s: the whole metric and two endpoints, p95 per second = `p95` (of the endpoint), one check. */
function run(id: string, p95: { health: number; ingest: number }): RunProfile {
  const n = 30;
  const counts = Array.from({ length: n }, () => 50);
  const trend = (tags: SeriesProfile['tags'], v: number): SeriesProfile => {
    const p = Array.from({ length: n }, (_, i) => v * (1 + ((i % 5) - 2) / 100));
    return { metric: 'http_req_duration', kind: 'trend', tags, count: 50 * n, sum: 0, min: 0, max: 1e9, seconds: { count: counts, sum: counts, p: { p50: p, p95: p, p99: p } } };
  };
  return {
    version: 1,
    runId: id,
    environment: {},
    seconds: n,
    series: [
      trend({}, Math.max(p95.health, p95.ingest)),
      trend({ method: 'GET', name: 'GET /health' }, p95.health),
      trend({ method: 'POST', name: 'POST /telemetry' }, p95.ingest),
      { metric: 'http_reqs', kind: 'counter', tags: {}, count: 100 * n, sum: 100 * n, min: 1, max: 1, seconds: { count: counts, sum: counts } },
      { metric: 'checks', kind: 'rate', tags: { check: 'accepted 202' }, count: 50 * n, sum: 50 * n, min: 1, max: 1, hits: 50 * n, seconds: { count: counts, sum: counts } },
    ],
  };
}

const tol = (series: GateTolerances['series'], more: Partial<GateTolerances> = {}): GateTolerances => ({ ...GATE_DEFAULTS, ...more, series });
const verdict = (r: ReturnType<typeof compareRuns>, statistic: string, name?: string) => r.rows.find((x) => x.statistic === statistic && x.tags.name === name)?.verdict;

describe('gate.series: per-series tolerances, and no silent passes for them', () => {
  const base = [run('b', { health: 10, ingest: 20 })];
  const slowHealth = run('c', { health: 13, ingest: 20 }); // +30% on GET /health only

  it('the most specific key wins over the defaults', () => {
    assert.equal(verdict(compareRuns(slowHealth, base), 'http_req_duration p95', 'GET /health'), 'regressed');
    const loose = compareRuns(slowHealth, base, tol({ 'http_req_duration{name:GET /health}': { latencyTolerance: 0.5 } }));
    assert.equal(verdict(loose, 'http_req_duration p95', 'GET /health'), 'unchanged');
    assert.equal(loose.rows.find((x) => x.tags.name === 'GET /health')!.tolerance, 0.5);
    // a whole-metric key covers its endpoints too, and the endpoint's own key beats it
    const both = compareRuns(slowHealth, base, tol({ http_req_duration: { latencyTolerance: 0.5 }, 'http_req_duration{name:GET /health}': { latencyTolerance: 0.05 } }));
    assert.equal(verdict(both, 'http_req_duration p95', 'GET /health'), 'regressed');
    assert.equal(both.rows.find((x) => x.tags.name === 'POST /telemetry')!.tolerance, 0.5);
  });

  it('a key or latency metric that selects nothing the gate compares is named; optional ones are not', () => {
    const s = new SeriesTolerances(
      tol(
        {
          'http_req_duration{name:GET /helth}': { latencyTolerance: 0.5 },
          'checks{check:accepted 202}': { checksTolerance: 0.05 },
          'http_req_duration{name:GET /rare}': { latencyTolerance: 0.5, optional: true },
          http_req_waiting: { latencyTolerance: 0.5 }, // exists nowhere the gate compares
          grpc_req_duration: { optional: true },
        },
        { latencyMetrics: ['http_req_duration', 'http_req_duraton', 'grpc_req_duration'] },
      ),
    );
    const u = s.unmatched(base);
    assert.deepEqual(
      u.map((x) => `${x.in} ${x.key}`),
      ['gate.series http_req_duration{name:GET /helth}', 'gate.series http_req_waiting', 'gate.latencyMetrics http_req_duraton'],
    );
    const msg = unmatchedGateMessage(u, 'main');
    assert.match(msg, /^gate\.series\["http_req_duration\{name:GET \/helth\}"\] matched no series of baseline "main": a typo in the metric or tag\?; it has http_req_duration, http_req_duration\{method:GET,name:GET \/health\}, http_req_duration\{method:POST,name:POST \/telemetry\} \(if it may be empty, give it optional: true\)$/m);
    assert.match(msg, /^gate\.latencyMetrics entry "http_req_duraton" matched no trend metric of baseline "main"; it has http_req_duration \(remove it, or mark it optional: gate\.series\["http_req_duraton"\] = \{ optional: true \}\)$/m);
    assert.deepEqual(new SeriesTolerances(GATE_DEFAULTS).unmatched(base), [], 'the defaults select what every HTTP run has');
    // a field the selected series are not judged by does nothing: named too
    const wrong = new SeriesTolerances(tol({ 'http_req_duration{name:GET /health}': { checksTolerance: 0.5, latencyTolerance: 0.2 } })).unmatched(base);
    assert.deepEqual(wrong.map((x) => x.unused), [['checksTolerance']]);
    assert.match(unmatchedGateMessage(wrong, 'main'), /^gate\.series\["http_req_duration\{name:GET \/health\}"\] sets checksTolerance, which no series it selects in baseline "main" is judged by \(it selects http_req_duration\{method:GET,name:GET \/health\}\): a field on the wrong key\?$/);
  });

  it('harness.config: keys are parsed as threshold keys, fields checked, every problem at once', () => {
    assert.throws(
      () => resolveConfig({ cwd: '/nonexistent', env: {}, file: { gate: { series: { 'http_req_duration{name': { latencyTolerance: -1 }, checks: { optional: 'yes' as unknown as boolean, latency: 1 } as never } } } }),
      (e: Error) =>
        /gate\.series\["http_req_duration\{name"\]: parsing metric name failed/.test(e.message) &&
        /gate\.series\["http_req_duration\{name"\]\.latencyTolerance: must be a number >= 0, got -1/.test(e.message) &&
        /gate\.series\["checks"\]\.optional: must be true or false/.test(e.message) &&
        /gate\.series\["checks"\]\.latency: unknown key \(valid: latencyTolerance, errorRateTolerance, throughputTolerance, checksTolerance, optional\)/.test(e.message),
    );
    const ok = resolveConfig({ cwd: '/nonexistent', env: {}, file: { gate: { series: { 'http_req_duration{name:GET /health}': { latencyTolerance: 0.3, optional: true } } } } });
    assert.deepEqual(ok.config.gate.series, { 'http_req_duration{name:GET /health}': { latencyTolerance: 0.3, optional: true } });
    assert.deepEqual(resolveConfig({ cwd: '/nonexistent', env: {} }).config.gate, { ...GATE_DEFAULTS, optionalThresholds: [] });
  });
});
