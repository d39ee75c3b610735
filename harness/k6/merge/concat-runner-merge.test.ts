import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMetricLine, encodePointLine, parseThresholdsConfig, ThresholdsEvaluator, type Sample } from '../../../vocabulary';
import { createMetricRegistry } from '../metrics/metric-registry';
import { MetricsEngine } from '../metrics/metrics-engine';
import { buildSummaryData } from '../output/summary-data';
import { ConcatRunnerMerge } from './concat-runner-merge';
import { RunnerAggregates } from './runner-aggregates';

/** Deterministic samples: requests with a duration, a status and a check, a custom gauge, over `n` iterations. */
function samples(n: number, seed: number): Sample[] {
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out: Sample[] = [];
  const ok = { group: '::api', check: 'is 202' };
  for (let i = 0; i < n; i++) {
    const t = 1_700_000_000_000 + i * 3;
    const status = rnd() < 0.1 ? '500' : '202';
    const tags = { group: '::api', status, method: 'POST' };
    out.push({ metric: 'http_reqs', time: t, value: 1, tags });
    out.push({ metric: 'http_req_duration', time: t, value: Math.round(rnd() * 200_000) / 1000 + (status === '500' ? 50 : 0), tags });
    out.push({ metric: 'http_req_failed', time: t, value: status === '500' ? 1 : 0, tags });
    out.push({ metric: 'checks', time: t, value: status === '202' ? 1 : 0, tags: ok });
    out.push({ metric: 'queue_depth', time: t, value: Math.round(rnd() * 100) - 20, tags: { group: '' } });
    out.push({ metric: 'iterations', time: t, value: 1, tags: { group: '' } });
    out.push({ metric: 'iteration_duration', time: t, value: rnd() * 300, tags: { group: '' } });
  }
  return out;
}

function engineWith(thresholds?: ReturnType<typeof parseThresholdsConfig>['config']) {
  const registry = createMetricRegistry();
  registry.getOrCreate('queue_depth', 'gauge');
  const engine = new MetricsEngine({ registry });
  return { engine, th: thresholds && new ThresholdsEvaluator(thresholds, engine) };
}

describe('ConcatRunnerMerge (runners ship aggregates; raw lines concatenated as bytes)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'concat-merge-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('thresholds, percentiles, counts and checks over the merged aggregates equal one process\'s over the same samples, exactly', () => {
    const all = samples(3000, 7);
    // one process over every sample: the reference, and the exact values the thresholds pin
    const probe = engineWith();
    probe.engine.pushMany(all);
    const p95 = probe.engine.ensureSubmetric('http_req_duration').sink as import('../../../vocabulary').TrendSink;
    const exact95 = p95.p(0.95);
    const option = {
      http_req_duration: [`p(95)==${exact95}`, `p(99.9)<=${p95.p(0.999)}`, `med<=${p95.p(0.5)}`, 'max<1000'],
      'http_req_duration{status:500}': ['p(90)<240'],
      http_req_failed: ['rate<0.05'],
      http_reqs: ['count>=3000'],
      checks: ['rate>0.8'],
      queue_depth: ['value<1000'],
    };
    const cfg = parseThresholdsConfig(option);
    assert.deepEqual(cfg.problems, []);
    const single = engineWith(cfg.config);
    single.engine.pushMany(all);
    const singleResult = single.th!.evaluate(9000, { final: true });

    // three "runners" take every third iteration (k6's striping), each with its own engine
    const n = 3;
    const files = [...Array(n).keys()].map((i) => join(dir, `runner-${i}.ndjson`));
    const aggFiles = files.map((f) => f.replace('.ndjson', '.aggregates.ndjson'));
    const runners = files.map((_, i) => {
      const r = engineWith();
      const agg = new RunnerAggregates(r.engine, aggFiles[i]);
      agg.bindSubmetrics(cfg.config.entries.map((e) => e.key));
      return { ...r, agg, seen: new Set<string>() };
    });
    const merge = new ConcatRunnerMerge({ files, aggregates: aggFiles, outFile: join(dir, 'merged.ndjson'), thresholds: option });
    for (let i = 0; i < all.length; i += 7) {
      const r = runners[(i / 7) % n];
      for (const s of all.slice(i, i + 7)) {
        r.engine.push(s);
        let lines = '';
        if (!r.seen.has(s.metric)) {
          r.seen.add(s.metric);
          lines += encodeMetricLine(r.engine.metricInfo(s.metric));
        }
        appendFileSync(files[(i / 7) % n], lines + encodePointLine(s));
      }
      // aggregates and polls at unrelated moments: deltas must add up whatever the cut
      if (i % (7 * 97) === 0) r.agg.write();
      if (i % (7 * 251) === 0) merge.poll();
    }
    runners.forEach((r, i) => {
      r.agg.close();
      merge.runnerDone(i);
    });
    const m = merge.finish({ testRunDurationMs: 9000 });

    assert.deepEqual(m.breached, singleResult.breached);
    // (bound as each metric's first aggregates arrive, so in another order)
    const byKey = (os: ReturnType<NonNullable<typeof single.th>['outcomes']>) => [...os].sort((a, b) => `${a.key} ${a.source}`.localeCompare(`${b.key} ${b.source}`));
    assert.deepEqual(byKey(merge.metrics.thresholds.outcomes()), byKey(single.th!.outcomes()));
    // pinned to one process's exact values, p(95)== and p(99.9)<= pass only on them; 10% failed > 5%
    assert.deepEqual(m.breached, ['http_req_failed']);
    const want = buildSummaryData({ engine: single.engine, thresholds: single.th, testRunDurationMs: 9000, summaryTrendStats: ['min', 'med', 'max', 'p(90)', 'p(95)', 'p(99.9)', 'count'] });
    const got = buildSummaryData({ engine: merge.metrics.engine, thresholds: merge.metrics.thresholds, testRunDurationMs: 9000, summaryTrendStats: ['min', 'med', 'max', 'p(90)', 'p(95)', 'p(99.9)', 'count'] });
    assert.deepEqual(Object.keys(got.metrics), Object.keys(want.metrics));
    for (const [name, w] of Object.entries(want.metrics)) {
      const g = got.metrics[name];
      // a gauge's `value` is the last one written, which depends on the runners' interleaving
      const values = w.type === 'gauge' ? { min: w.values.min, max: w.values.max } : w.values;
      const gv = w.type === 'gauge' ? { min: g.values.min, max: g.values.max } : g.values;
      assert.deepEqual(gv, values, name);
      assert.deepEqual(g.thresholds, w.thresholds, name);
    }
    assert.deepEqual(got.root_group, want.root_group);
    assert.equal(merge.metrics.thresholdPercentiles().http_req_duration['0.95'], exact95);

    // the samples file: every runner's every line, as bytes, each Metric line once and before its points
    const lines = readFileSync(join(dir, 'merged.ndjson'), 'utf8').split('\n').filter(Boolean);
    const points = lines.filter((l) => l.includes('"type":"Point"'));
    assert.equal(points.length, all.length);
    assert.deepEqual(points.slice().sort(), all.map((s) => encodePointLine(s).trimEnd()).sort());
    const declared = new Set<string>();
    for (const l of lines) {
      const rec = JSON.parse(l) as { type: string; metric: string };
      if (rec.type === 'Metric') {
        assert.ok(!declared.has(rec.metric), `one Metric line for ${rec.metric}`);
        declared.add(rec.metric);
      } else assert.ok(declared.has(rec.metric), `${rec.metric} point after its Metric line`);
    }
    assert.deepEqual(m.runners.map((r) => r.requests).reduce((a, b) => a + b, 0), 3000);
    assert.equal(m.runners.map((r) => r.points).reduce((a, b) => a + b, 0), all.length);
  });
});
