import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { artifactDir, findChromium, launchChromium, openWatchedPage, pageFacts, waitForFacts } from '../../report/testing/browser';
import { reap, runsRoot } from '../../run';
import { freePort, startHarness, throwawayProject } from '../../testing';

describe('harness run --dashboard: the report live in a real headless Chromium @slow', function () {
  this.timeout(180_000);
  let cwd: string;
  let browser: Browser | undefined;
  before(async function () {
    const found = findChromium();
    if ('reason' in found) {
      console.log(`    skipped: ${found.reason}`);
      this.skip();
    }
    browser = await launchChromium(found.path);
    cwd = await throwawayProject('harness-dashboard-');
  });
  after(async () => {
    await browser?.close();
    if (cwd) {
      await reap({ root: runsRoot(cwd), env: process.env, log: () => {}, docker: false }).catch(() => {});
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('serves the page on 127.0.0.1 while the run goes on, pushes updates every second, and the run ends without waiting for the browser', async () => {
    const port = await freePort();
    await using h = startHarness(['run', 'smoke', '--runtime', 'local', '--engine', 'builtin', '--toxiproxy', 'none', '--duration', '10s', '--vus', '2', '--dashboard'], {
      cwd,
      env: { K6_BIN: '', HARNESS_DASHBOARD_PORT: String(port) },
      timeoutMs: 150_000,
    });
    const [, url] = await h.waitFor(/dashboard: (http:\/\/127\.0\.0\.1:(\d+)\/)/, { stream: 'stderr' });
    assert.equal(url, `http://127.0.0.1:${port}/`);

    const { page, problems, requests } = await openWatchedPage(browser!);
    await page.goto(url);
    const first = await pageFacts(page);
    assert.equal(first.badge, 'RUNNING');
    // updates arrive while the load runs: more of them, with more requests each time
    // charts lag the totals by a second or two: a second is charted once it is over
    // the target charts come from the run's sampler (a scrape a second) as well
    const during = await waitForFacts(page, (f) => f.updates >= 3 && f.requests > 0 && f.charts.some((c) => c.id === 'target-flow') && f.charts.every((c) => c.ink > 0));
    await page.screenshot({ path: join(artifactDir('dashboard'), 'live.png'), fullPage: true });
    assert.ok(during.requests > 0, `requests shown live: ${during.requests}`);
    for (const c of during.charts) assert.ok(c.ink > 0, `live chart ${c.id} drawn`);
    assert.deepEqual(during.charts.filter((c) => c.id.startsWith('target-')).length, 6, 'every target chart live');
    assert.equal(during.targetNote, '');

    // the page stays open: the run must end on its own, and the last update is the final report
    const r = await h.done;
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const final = await waitForFacts(page, (f) => f.badge !== 'RUNNING', 10_000);
    await page.close();
    assert.equal(final.badge, 'PASSED');
    assert.ok(final.requests >= during.requests);
    assert.deepEqual(problems, []);
    assert.deepEqual([...new Set(requests)].sort(), [url, `${url}events`].sort(), 'the page itself and its event stream, nothing else');
    const [id] = await readdir(runsRoot(cwd));
    assert.ok(existsSync(join(runsRoot(cwd), id, 'report.html')));
  });
});
