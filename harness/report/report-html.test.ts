import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { artifactDir, findChromium, launchChromium, openWatchedPage, pageFacts } from './testing/browser';
import { writeFixtureRun } from './testing/fixture-run';
import { writeReports } from './write-reports';

describe('report.html in a real headless Chromium @slow', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  const dirs: string[] = [];
  before(async function () {
    const found = findChromium();
    if ('reason' in found) {
      console.log(`    skipped: ${found.reason}`);
      this.skip();
    }
    browser = await launchChromium(found.path);
  });
  after(async () => {
    await browser?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('opens offline: no console error, no request but the file itself, every chart drawn, one thresholds row per threshold with its verdict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
    dirs.push(dir);
    writeFixtureRun(dir);
    const { data, files } = await writeReports(dir);
    const { page, problems, requests } = await openWatchedPage(browser!);
    const url = pathToFileURL(files[0]).href;
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('[data-chart="iterations"] canvas');
    const facts = await pageFacts(page);
    await page.screenshot({ path: join(artifactDir('report-html'), 'fixture-report.png'), fullPage: true });
    await page.close();

    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [url], 'the page loads nothing but itself');
    assert.deepEqual(facts.charts.map((c) => c.id), ['reqs', 'errors', 'latency', 'vus', 'iterations']);
    for (const c of facts.charts) assert.ok(c.ink > 100, `chart ${c.id} has drawn series (${c.ink} pixels)`);
    assert.deepEqual(facts.thresholdVerdicts, data.thresholds.map((t) => (t.ok ? 'pass' : 'fail')));
    assert.deepEqual(facts.thresholdVerdicts, ['pass', 'pass', 'fail', 'fail', 'pass']);
    assert.deepEqual(facts.abortOnFail, ['no', 'yes', '–', 'no', 'no'], 'an old run directory (no thresholds.json): the submetric\'s abortOnFail is not known');
    assert.match(facts.targetNote, /^The target was not sampled for this run/);
    assert.match(facts.title, /^fixture — harness report$/);
  });

  it('with target samples: every target chart drawn (fault window shaded), no note; submetric abortOnFail from thresholds.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-html-target-'));
    dirs.push(dir);
    writeFixtureRun(dir, { target: true });
    writeFileSync(join(dir, 'thresholds.json'), JSON.stringify({ 'http_req_duration{name:GET /health}': [{ threshold: 'max<0.001', abortOnFail: true }] }));
    const { files } = await writeReports(dir);
    const { page, problems, requests } = await openWatchedPage(browser!);
    const url = pathToFileURL(files[0]).href;
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('[data-chart="target-redis-ops"] canvas');
    const facts = await pageFacts(page);
    await page.screenshot({ path: join(artifactDir('report-html'), 'fixture-report-target.png'), fullPage: true });
    await page.close();

    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [url]);
    const target = facts.charts.filter((c) => c.id.startsWith('target-'));
    assert.deepEqual(target.map((c) => c.id), ['target-queue', 'target-flow', 'target-rejections', 'target-breaker', 'target-redis-memory', 'target-redis-ops']);
    for (const c of target) assert.ok(c.ink > 100, `target chart ${c.id} has drawn series (${c.ink} pixels)`);
    for (const c of facts.charts) assert.ok(c.faultShade > 1000, `chart ${c.id} shades the fault window (${c.faultShade} pixels)`);
    assert.equal(facts.targetNote, '');
    assert.deepEqual(facts.abortOnFail, ['no', 'yes', 'yes', 'no', 'no']);
  });
});

describe('report.html size', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('stays under 3 MB for a long run with target samples (2 h: per-second points, then merged)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-long-'));
    dirs.push(dir);
    writeFixtureRun(dir, { seconds: 7200, perSecond: 1, target: true });
    const { data, files } = await writeReports(dir);
    assert.ok(data.series.t.length <= 3600, `${data.series.t.length} points`);
    assert.equal(data.step, 2);
    assert.ok(data.target && data.target.t.length <= 3600 && data.target.step === 2, 'target charts merged the same way');
    const size = statSync(files[0]).size;
    assert.ok(size < 3 * 2 ** 20, `report.html is ${size} bytes`);
  });
});
