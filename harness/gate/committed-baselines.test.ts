import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { GATE_DEFAULTS } from '../config';
import { compareRuns } from './compare-runs';
import { baselineChartSeries } from './render-compare';
import { loadGateBaseline } from './run-gate';

/** The baselines `.github/workflows/perf.yml` gates against (docs/gates.md, "Committed baselines"). */
const BASELINES = fileURLToPath(new URL('../../reports/baselines/', import.meta.url));
const PERF_YML = fileURLToPath(new URL('../../.github/workflows/perf.yml', import.meta.url));
/** The scenarios the example workflow gates (its matrix). */
const COMMITTED: string[] = parse(readFileSync(PERF_YML, 'utf8')).jobs.gate.strategy.matrix.scenario;

/**
 * Old baselines must keep working: a change to the stored format (RunProfile) that the loader,
 * the comparison or compare.html's overlay cannot read fails here, against the files in the repo.
 */
describe('the committed baselines (reports/baselines/*) still load and gate', () => {
  it('perf.yml has a baseline per scenario it gates', () => {
    assert.deepEqual(COMMITTED, ['smoke', 'high-concurrency']);
    for (const name of COMMITTED) assert.ok(existsSync(join(BASELINES, name)), `reports/baselines/${name}/ is committed`);
  });

  for (const name of COMMITTED) {
    it(`${name}: small enough to commit; each run gated against the others compares every statistic, nothing missing or NaN`, async function () {
      if (!existsSync(join(BASELINES, name))) this.skip();
      const dir = join(BASELINES, name);
      for (const f of readdirSync(dir)) assert.ok(statSync(join(dir, f)).size < 256 * 1024, `${f}: ${statSync(join(dir, f)).size} bytes`);
      const runs = await loadGateBaseline(dir, name, GATE_DEFAULTS);
      assert.ok(runs.length >= 2, 'several runs describe the noise');
      for (const [i, candidate] of runs.entries()) {
        const others = runs.filter((_, j) => j !== i);
        const r = compareRuns(candidate, others, GATE_DEFAULTS);
        const stats = new Set(r.rows.filter((x) => Object.keys(x.tags).length === 0).map((x) => x.statistic));
        for (const s of [...GATE_DEFAULTS.percentiles.map((q) => `http_req_duration p${q}`), 'http_reqs per second', 'http_req_failed rate']) assert.ok(stats.has(s), `${candidate.runId}: ${s} compared`);
        assert.ok(r.rows.some((x) => x.statistic === 'checks failure rate'), 'checks compared');
        assert.equal(r.missing, 0, `${candidate.runId}: no series missing`);
        for (const x of r.rows) assert.ok([x.baseline, x.candidate, x.change, x.tolerance].every(Number.isFinite), `${candidate.runId}: ${x.statistic} ${JSON.stringify(x.tags)} has numbers`);
        assert.ok(r.rows.some((x) => x.test === 'mann-whitney-u'), 'per-second windows are tested');
      }
      // compare.html's overlay: requests, latency and VUs per second since start
      const overlay = baselineChartSeries(runs, 1);
      assert.ok(overlay.reqs.length >= 25, `${overlay.reqs.length} points`);
      for (const k of ['reqs', 'p95', 'vus', 'iterations'] as const) assert.ok(overlay[k].filter((v) => v !== null && v > 0).length >= overlay.reqs.length / 2, `overlay ${k} is drawn`);
    });
  }
});
