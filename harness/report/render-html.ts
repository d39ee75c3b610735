import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ReportData } from './report-data';

const require = createRequire(import.meta.url);

/** The page's script and styles: bundled once per process (the page code and uPlot, minified). */
let assets: Promise<{ js: string; css: string }> | undefined;

function pageAssets(): Promise<{ js: string; css: string }> {
  assets ??= (async () => {
    const entry = fileURLToPath(new URL('./page/main.ts', import.meta.url));
    const out = await build({ entryPoints: [entry], bundle: true, format: 'iife', platform: 'browser', target: 'es2020', minify: true, write: false, logLevel: 'silent', legalComments: 'none' });
    const uplotCss = await readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
    const css = await readFile(fileURLToPath(new URL('./page/style.css', import.meta.url)), 'utf8');
    return { js: out.outputFiles[0].text, css: `${uplotCss}\n${css}` };
  })();
  assets.catch(() => (assets = undefined));
  return assets;
}

/**
 * The report page with everything inline: styles, uPlot and the page code, and the data as
 * JSON. It makes no network request (the live dashboard's page adds only its own `/events`).
 * Its size is the page code (~60 kB) plus the data, which per-second rollups keep bounded.
 * With `data.compare` it is compare.html (harness/gate): the gate's table and the baseline overlaid.
 */
export async function renderReportHtml(data: ReportData): Promise<string> {
  const { js, css } = await pageAssets();
  const title = escapeHtml((data.meta.kind === 'chaos' ? `chaos ${data.meta.experiment ?? ''}` : (data.meta.scenario ?? data.meta.runId)) + (data.compare ? ` vs baseline ${data.compare.baseline}` : ''));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'">
<title>${title} — harness ${data.compare ? 'compare' : 'report'}</title>
<style>${css}</style>
</head>
<body>
<main>
<header id="header"></header>
<section id="compare"></section>
<section id="thresholds"></section>
<h2>Charts</h2>
<section id="charts"></section>
<h2>Target</h2>
<section id="target"></section>
<section id="checks"></section>
<section id="endpoints"></section>
<footer id="footer"></footer>
</main>
<script id="report-data" type="application/json">${jsonForScript(data)}</script>
<script>${js.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
}

/** JSON safe inside a <script> element: `<` never starts a tag. */
export function jsonForScript(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
