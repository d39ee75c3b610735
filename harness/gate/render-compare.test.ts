import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { artifactDir, findChromium, launchChromium, openWatchedPage, pageFacts } from '../report/testing/browser';
import { GATE_DEFAULTS } from '../config';
import { saveBaselineRun } from './baseline-store';
import { compareRows } from './render-gate';
import { baselineChartSeries } from './render-compare';
import { buildRunProfile } from './run-profile';
import { GATE_FILES, runGate } from './run-gate';
import { writeGateRun } from './testing/write-gate-run';

/** Per chart, its legend's series labels (without the x axis'); and the verdict table's rows (read in the page: source text, this file has no DOM types). */
const COMPARE_FACTS = `(() => ({
  legends: Object.fromEntries([...document.querySelectorAll('[data-chart]')].map((box) => [box.dataset.chart, [...box.querySelectorAll('.u-legend .u-series .u-label')].map((l) => l.textContent).slice(1)])),
  rows: [...document.querySelectorAll('#compare-table tbody tr')].map((tr) => ({ verdict: tr.dataset.verdict, statistic: tr.children[1].textContent, tags: tr.children[2].textContent })),
  gate: (document.getElementById('compare-verdict') || {}).textContent || '',
}))()`;

describe('baselineChartSeries (the overlay: median of the baseline runs, by seconds since start)', () => {
  let cwd: string;
  before(() => (cwd = mkdtempSync(join(tmpdir(), 'gate-overlay-'))));
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('per point: requests, failures, percentiles, VUs and iterations; steps add counts', async () => {
    const a = await buildRunProfile(writeGateRun(cwd, 'a', { latencyMs: 10, seconds: 6, failEvery: 20 }));
    const b = await buildRunProfile(writeGateRun(cwd, 'b', { latencyMs: 20, seconds: 4, seed: 2 }));
    const one = baselineChartSeries([a, b], 1);
    assert.equal(one.reqs.length, 6);
    assert.deepEqual(one.reqs, [20, 20, 20, 20, 20, 20]);
    assert.deepEqual(one.iterations, [20, 20, 20, 20, 20, 20]);
    assert.deepEqual(one.vus, [5, 5, 5, 5, 5, 5]);
    assert.deepEqual(one.failed, [0.5, 0.5, 0.5, 0.5, 1, 1], 'one failure a second in a, none in b: the median of 1 and 0, then a alone');
    for (let i = 0; i < 4; i++) assert.ok(one.p50[i]! > 10 && one.p50[i]! < 28, `p50[${i}] = ${one.p50[i]} lies between the runs' (10-14 ms, 20-28 ms)`);
    assert.ok(one.p95[5]! >= 10 && one.p95[5]! <= 14, 'the last seconds are a alone');
    const two = baselineChartSeries([a], 2);
    assert.deepEqual(two.reqs, [40, 40, 40]);
    assert.deepEqual(two.vus, [5, 5, 5]);
  });
});

describe('compare.html in a real headless Chromium @slow', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  let cwd: string;
  before(async function () {
    const found = findChromium();
    if ('reason' in found) {
      console.log(`    skipped: ${found.reason}`);
      this.skip();
    }
    browser = await launchChromium(found.path);
    cwd = mkdtempSync(join(tmpdir(), 'gate-compare-html-'));
  });
  after(async () => {
    await browser?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('opens offline: no console error, no request but itself, every chart drawn with the baseline overlaid, one verdict row per comparison', async () => {
    const dir = join(cwd, 'reports/baselines/main');
    for (const [id, seed] of [['20261130T060000-base-0001', 1], ['20261130T060100-base-0002', 2]] as const) await saveBaselineRun(dir, await buildRunProfile(writeGateRun(cwd, id, { latencyMs: 10, seed })));
    const runDir = writeGateRun(cwd, '20261130T060200-slow-0003', { latencyMs: 13, seed: 3, failEvery: 50 });
    const result = await runGate({ runDir, baselineDir: dir, baselineName: 'main', tolerances: GATE_DEFAULTS, write: () => {} });
    const file = join(runDir, GATE_FILES.html);
    assert.ok(existsSync(file));

    const { page, problems, requests } = await openWatchedPage(browser!);
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('[data-chart="iterations"] canvas');
    const facts = await pageFacts(page);
    const compare = (await page.evaluate(COMPARE_FACTS)) as { legends: Record<string, string[]>; rows: Array<{ verdict: string; statistic: string; tags: string }>; gate: string };
    await page.screenshot({ path: join(artifactDir('gate-compare'), 'compare.png'), fullPage: true });
    await page.close();

    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [url], 'the page loads nothing but itself');
    assert.deepEqual(facts.charts.map((c) => c.id), ['reqs', 'errors', 'latency', 'vus', 'iterations']);
    for (const c of facts.charts) assert.ok(c.ink > 100, `chart ${c.id} has drawn series (${c.ink} pixels)`);
    assert.deepEqual(compare.legends.latency, ['p50', 'p95', 'p99', 'baseline p50', 'baseline p95', 'baseline p99']);
    for (const id of ['reqs', 'errors', 'vus', 'iterations']) assert.ok(compare.legends[id]!.some((l) => l.startsWith('baseline')), `${id}: ${compare.legends[id]}`);
    assert.match(facts.title, /^fixture vs baseline main — harness compare$/);

    // one row per compared statistic, in gate.md's order, with the gate's verdict
    assert.deepEqual(compare.rows.map((r) => r.verdict), compareRows(result).map((r) => r.verdict));
    assert.equal(compare.rows.length, result.rows.length);
    const row = (statistic: string, tags: string) => compare.rows.find((r) => r.statistic === statistic && r.tags === tags)?.verdict;
    assert.equal(row('http_req_duration p95', 'whole metric'), 'regressed');
    assert.equal(row('http_req_duration p95', '{method=POST,name=POST /telemetry}'), 'regressed');
    assert.equal(row('http_reqs per second', 'whole metric'), 'unchanged');
    assert.equal(compare.gate, 'FAILED');
  });
});
