import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's `chromium` for the report's browser tests (installed by `harness setup --for test`;
 * `CHROMIUM_BIN` overrides, a path or a name on PATH). Undefined with the reason when absent:
 * the test then skips, printing it.
 */
export function findChromium(env: Record<string, string | undefined> = process.env): { path: string } | { reason: string } {
  const want = env.CHROMIUM_BIN || 'chromium';
  const candidates = isAbsolute(want) ? [want] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, want));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return { path: c };
    } catch {
      // next
    }
  }
  return { reason: `${want} not found (${env.CHROMIUM_BIN ? 'CHROMIUM_BIN' : 'PATH'}); run \`harness setup --for test\` (apt-get install chromium)` };
}

/** Headless, sandbox off (root in CI), nothing phoning home: every request the page makes is the test's. */
export function launchChromium(path: string): Promise<Browser> {
  return chromium.launch({
    executablePath: path,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Where tests leave screenshots for people to look at (`reports/test-artifacts/`, ignored by git). */
export function artifactDir(name: string): string {
  const dir = resolve(process.env.TEST_ARTIFACTS_DIR ?? 'reports/test-artifacts', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface PageFacts {
  /** Per chart: its id, how many opaque, coloured pixels its canvas has (drawn lines) and how many are a fault window's translucent red. */
  charts: Array<{ id: string; ink: number; faultShade: number }>;
  thresholdVerdicts: string[];
  title: string;
  updates: number;
  /** The header's requests figure and verdict badge. */
  requests: number;
  badge: string;
  /** The note shown in place of the target charts ('' when they are drawn). */
  targetNote: string;
  /** Per thresholds row: the abortOnFail cell's text. */
  abortOnFail: string[];
}

/**
 * What the report page shows, read in the page. Source text, not a function: this file is
 * type-checked for Node (no DOM types), the expression runs in the browser.
 */
const PAGE_FACTS = `(() => {
  const charts = [...document.querySelectorAll('[data-chart]')].map((box) => {
    const canvas = box.querySelector('canvas');
    let ink = 0;
    let faultShade = 0;
    if (canvas && canvas.width && canvas.height) {
      // read through a copy: repeated reads of the page's own canvas make Chrome warn in the console
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const cx = copy.getContext('2d', { willReadFrequently: true });
      cx.drawImage(canvas, 0, 0);
      const px = cx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < px.length; i += 4) {
        const r = px[i], g = px[i + 1], b = px[i + 2], a = px[i + 3];
        // series strokes: opaque and saturated (axes and grid are grey, window shading is translucent)
        if (a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 80) ink++;
        // a fault window: translucent red (rgba(220,38,38,0.13): the canvas itself is transparent)
        if (a > 15 && a < 60 && r > 180 && g < 90 && b < 90) faultShade++;
      }
    }
    return { id: box.dataset.chart || '', ink, faultShade };
  });
  const thresholdVerdicts = [...document.querySelectorAll('#thresholds-table tbody tr')].map((tr) => tr.dataset.verdict || '');
  const requests = Number((document.querySelector('.kpi .kpi-v') || {}).textContent?.replace(/,/g, '') || 0);
  const badge = (document.querySelector('h1 .badge') || {}).textContent || '';
  const targetNote = (document.querySelector('[data-target-note]') || {}).textContent || '';
  const abortOnFail = [...document.querySelectorAll('#thresholds-table tbody tr')].map((tr) => (tr.lastElementChild || {}).textContent || '');
  return { charts, thresholdVerdicts, title: document.title, updates: Number(document.body.dataset.updates || 0), requests, badge, targetNote, abortOnFail };
})()`;

export async function pageFacts(page: import('playwright-core').Page): Promise<PageFacts> {
  return (await page.evaluate(PAGE_FACTS)) as PageFacts;
}

/** Polls `pageFacts` until `ok` holds (the page's CSP forbids the eval that `waitForFunction` with source text needs). */
export async function waitForFacts(page: import('playwright-core').Page, ok: (f: PageFacts) => boolean, timeoutMs = 30_000): Promise<PageFacts> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const f = await pageFacts(page);
    if (ok(f)) return f;
    if (Date.now() > until) throw new Error(`page never got there in ${timeoutMs} ms: ${JSON.stringify({ ...f, charts: f.charts.map((c) => `${c.id}:${c.ink}`) })}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A new page that records what the report tests forbid: console errors and warnings, uncaught
 * page errors (`problems`), and every URL it requests (`requests`).
 */
export async function openWatchedPage(browser: Browser): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  return { page, problems, requests };
}
