import assert from 'node:assert/strict';
import { InvalidConfigError } from '../../errors';
import { builtinExecutors } from '../executors/builtins';
import { consolidateOptions } from './consolidate';
import { optionsFromEnv } from './env';

const registry = builtinExecutors();
const run = (script: Record<string, unknown>, cli: Record<string, unknown> = {}, env: Record<string, string> = {}) => {
  const problems: string[] = [];
  const e = optionsFromEnv(env, problems);
  return consolidateOptions({ script, env: e, cli, registry, problems });
};
const problemsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof InvalidConfigError, String(e));
    assert.equal(e.exitCode, 104);
    return e.problems;
  }
  assert.fail('expected InvalidConfigError');
};

describe('k6 options consolidation', () => {
  it('defaults to one VU running one iteration (per-vu-iterations)', () => {
    const [s] = run({}).options.scenarios as any[];
    assert.deepEqual([s.name, s.executor, s.vus, s.iterations, s.maxDuration, s.gracefulStop, s.exec], ['default', 'per-vu-iterations', 1, 1, 600_000, 30_000, 'default']);
  });
  it('iterations only -> shared-iterations; with duration as maxDuration', () => {
    const [s] = run({ vus: 3, iterations: 9, duration: '20s' }).options.scenarios as any[];
    assert.deepEqual([s.executor, s.vus, s.iterations, s.maxDuration], ['shared-iterations', 3, 9, 20_000]);
  });
  it('duration -> constant-vus; stages -> ramping-vus with startVUs = vus', () => {
    const [a] = run({ vus: 10, duration: '30s' }).options.scenarios as any[];
    assert.deepEqual([a.executor, a.vus, a.duration], ['constant-vus', 10, 30_000]);
    const [b] = run({ vus: 2, stages: [{ duration: '10s', target: 5 }] }).options.scenarios as any[];
    assert.deepEqual([b.executor, b.startVUs, b.stages, b.gracefulRampDown], ['ramping-vus', 2, [{ duration: 10_000, target: 5 }], 30_000]);
  });
  it('a higher tier setting a shortcut replaces the script scenarios (script < env < cli)', () => {
    const script = { scenarios: { a: { executor: 'constant-vus', vus: 2, duration: '1m' } } };
    assert.equal(run(script).options.scenarios[0].name, 'a');
    const fromEnv = run(script, {}, { K6_DURATION: '5s', K6_VUS: '4' }).options.scenarios[0] as any;
    assert.deepEqual([fromEnv.name, fromEnv.executor, fromEnv.vus, fromEnv.duration], ['default', 'constant-vus', 4, 5000]);
    const fromCli = run(script, { iterations: 7, vus: 7 }, { K6_DURATION: '5s' }).options.scenarios[0] as any;
    assert.deepEqual([fromCli.executor, fromCli.iterations], ['shared-iterations', 7]);
    assert.equal(run({ vus: 1, duration: '5s' }, { vus: 9 }).options.scenarios[0].executor, 'constant-vus');
  });
  it('applies every scenario default and keeps declaration order', () => {
    const o = run({
      scenarios: {
        ingest: { executor: 'constant-arrival-rate', rate: 20, duration: '2s', preAllocatedVUs: 5, tags: { flow: 'ingest' } },
        probe: { executor: 'per-vu-iterations', exec: 'probe', startTime: '1s', env: { A: 'b' } },
      },
    }).options;
    const [i, p] = o.scenarios as any[];
    assert.deepEqual([i.name, i.timeUnit, i.maxVUs, i.gracefulStop, i.tags, i.execExplicit], ['ingest', 1000, 5, 30_000, { flow: 'ingest' }, false]);
    assert.deepEqual([p.name, p.exec, p.execExplicit, p.startTime, p.env], ['probe', 'probe', true, 1000, { A: 'b' }]);
  });
  it('reports every problem at once with dot-paths', () => {
    const problems = problemsOf(() =>
      run({
        scenarios: {
          ingest: { executor: 'constant-arrival-rate', rate: -1, duration: 'abc' },
          'bad name': { executor: 'nope' },
          ramp: { executor: 'ramping-vus', stages: [{ duration: '1s', target: 'x' }], durration: '1s' },
        },
        thresholds: 'x',
      }, {}, { K6_VUS: 'many' }),
    );
    const joined = problems.join('\n');
    for (const needle of [
      'K6_VUS',
      'scenarios.ingest.rate: must be >= 0',
      'scenarios.ingest.duration: invalid duration "abc"',
      'scenarios.ingest.preAllocatedVUs: is required',
      'scenarios.bad name: the scenario name should contain only',
      'scenarios.bad name.executor: unknown executor "nope"; valid: constant-arrival-rate, constant-vus, per-vu-iterations, ramping-arrival-rate, ramping-vus, shared-iterations',
      'scenarios.ramp.stages[0].target',
      'scenarios.ramp.durration: unknown field',
    ])
      assert.ok(joined.includes(needle), `missing "${needle}" in:\n${joined}`);
  });
  it('rejects conflicting shortcuts like k6', () => {
    const p = problemsOf(() => run({ duration: '10s', stages: [{ duration: '1s', target: 1 }] }));
    assert.match(p.join('\n'), /`duration` and `stages`/);
    const q = problemsOf(() => run({ iterations: 2, scenarios: { a: { executor: 'shared-iterations' } } }));
    assert.match(q.join('\n'), /`iterations`\) and `scenarios`/);
  });
  it('checks exec names against the exports and calls the thresholds validator', () => {
    const p = problemsOf(() =>
      consolidateOptions({
        script: { scenarios: { a: { executor: 'shared-iterations', exec: 'nope' } }, thresholds: { http_reqs: ['count>1'] } },
        env: {},
        cli: {},
        registry,
        exportedFunctions: ['default'],
        validateThresholds: (t) => Object.keys(t).map((k) => `thresholds.${k}: checked`),
      }),
    );
    assert.deepEqual(p, ["scenarios.a.exec: function 'nope' not found in exports", 'thresholds.http_reqs: checked']);
  });
});
