/**
 * The report page: one script for both the self-contained `report.html` (data embedded as JSON)
 * and the live dashboard (the same data pushed every second over SSE at `/events`). Bundled
 * with uPlot by esbuild into the HTML (render-html.ts); it requests nothing from the network.
 */
import uPlot from 'uplot';
import type { ReportData, TimeWindow } from '../report-data';
import { h, fmtMs, fmtNum, fmtPct, fmtValue } from './dom';
import { compareSection, compareTitle, compareView } from './compare';
import { TARGET_NOT_SAMPLED, targetChartSpecs } from './target-charts';

const charts = new Map<string, { plot: uPlot; shape: string }>();

function readEmbedded(): ReportData {
  const el = document.getElementById('report-data');
  return JSON.parse(el?.textContent ?? '{}') as ReportData;
}

function render(d: ReportData): void {
  document.title = `${title(d)} — harness ${d.compare ? 'compare' : 'report'}`;
  replace('header', header(d));
  if (d.compare) replace('compare', compareSection(d));
  replace('thresholds', thresholdsSection(d));
  renderCharts('charts', d, d.compare ? compareView(d, chartSpecs(d)) : { x: d.series.t, origin: 0, specs: chartSpecs(d) });
  renderTarget(d);
  replace('checks', checksSection(d));
  replace('endpoints', endpointsSection(d));
  replace('footer', h('p', { class: 'muted' }, `${d.live ? 'live, updated' : 'generated'} ${d.generatedAt} · ${fmtNum(d.totals.samples)} samples · one point per ${d.step} s`));
}

function replace(id: string, node: Node): void {
  const el = document.getElementById(id)!;
  el.replaceChildren(node);
}

function title(d: ReportData): string {
  const m = d.meta;
  return (m.kind === 'chaos' ? `chaos ${m.experiment ?? ''}` : (m.scenario ?? m.runId)) + (d.compare ? compareTitle(d.compare) : '');
}

function header(d: ReportData): Node {
  const m = d.meta;
  const ok = d.live ? undefined : m.exitCode === 0;
  const badge = h('span', { class: `badge ${d.live ? 'live' : ok ? 'pass' : 'fail'}` }, d.live ? 'RUNNING' : (m.verdict ?? (ok ? 'passed' : 'failed')).toUpperCase());
  const rows: Array<[string, string | undefined]> = [
    ['run', m.runId],
    ['scenario', m.scenario],
    ['experiment', m.experiment],
    ['seed', m.seed?.toString()],
    ['engine', [m.engine, m.engineVersion].filter(Boolean).join(' ') || undefined],
    ['runtime', m.runtime],
    ['git commit', m.gitCommit],
    ['machine', m.machine],
    ['started', m.startedAt],
    ['duration', m.durationMs === undefined ? undefined : fmtMs(m.durationMs)],
    ['exit code', m.exitCode?.toString()],
    ['summary', m.summaryNote],
  ];
  const t = d.totals;
  const kpis = [
    ['requests', fmtNum(t.requests)],
    ['failed', t.requests ? fmtPct(t.failedRequests / t.requests) : '–'],
    ['p95', t.duration ? fmtMs(t.duration.p95) : '–'],
    ['p99', t.duration ? fmtMs(t.duration.p99) : '–'],
    ['max VUs', fmtNum(t.vusMax)],
    ['iterations', fmtNum(t.iterations)],
  ];
  return h('div', {}, [
    h('h1', {}, [title(d), ' ', badge]),
    h('div', { class: 'kpis' }, kpis.map(([k, v]) => h('div', { class: 'kpi' }, [h('div', { class: 'kpi-v' }, v), h('div', { class: 'kpi-k' }, k)]))),
    h('dl', { class: 'meta' }, rows.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v!)])),
    h('div', { class: 'cmd' }, [h('span', { class: 'muted' }, 'reproduce: '), h('code', {}, m.command)]),
  ]);
}

function thresholdsSection(d: ReportData): Node {
  if (!d.thresholds.length) return h('div', {}, [h('h2', {}, 'Thresholds'), h('p', { class: 'muted' }, 'none defined')]);
  const failed = d.thresholds.filter((t) => !t.ok).length;
  return h('div', {}, [
    h('h2', {}, `Thresholds (${d.thresholds.length - failed}/${d.thresholds.length} passed)`),
    h('table', { id: 'thresholds-table' }, [
      h('thead', {}, h('tr', {}, ['metric', 'expression', 'observed', 'result', 'abortOnFail'].map((c) => h('th', {}, c)))),
      h(
        'tbody',
        {},
        d.thresholds.map((t) =>
          h('tr', { class: t.ok ? 'ok' : 'bad', 'data-verdict': t.ok ? 'pass' : 'fail' }, [
            h('td', {}, t.origin === 'chaos' ? [h('code', {}, t.key), ' ', h('span', { class: 'muted', title: 'chaos hypothesis, judged over the phase-tagged samples' }, 'chaos')] : h('code', {}, t.key)),
            h('td', {}, h('code', {}, t.source)),
            h('td', { class: 'num' }, t.value === null ? (t.note ?? '–') : fmtValue(t.value)),
            h('td', {}, h('span', { class: `badge ${t.ok ? 'pass' : 'fail'}` }, t.ok ? 'pass' : 'FAIL')),
            h('td', { title: t.abortOnFail === null ? 'not known: a run directory without thresholds.json (k6 writes submetric thresholds on no Metric line)' : '' }, t.abortOnFail === null ? '–' : t.abortOnFail ? 'yes' : 'no'),
          ]),
        ),
      ),
    ]),
  ]);
}

function checksSection(d: ReportData): Node {
  if (!d.checks.length) return h('div', {}, [h('h2', {}, 'Checks'), h('p', { class: 'muted' }, 'none')]);
  const groups = new Map<string, typeof d.checks>();
  for (const c of d.checks) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const items = [...groups.keys()].sort().map((g) => {
    const list = groups.get(g)!;
    const depth = g === '' ? 0 : g.split('::').length - 1;
    return h('li', { style: `margin-left:${depth * 1.2}em` }, [
      h('div', { class: 'group' }, g === '' ? '█ root group' : `█ ${g.split('::').filter(Boolean).join(' › ')}`),
      h(
        'ul',
        {},
        list.map((c) => {
          const n = c.passes + c.fails;
          const rate = n ? c.passes / n : 1;
          return h('li', { class: c.fails ? 'bad' : 'ok' }, [h('span', { class: 'mark' }, c.fails ? '✗' : '✓'), ` ${c.name} `, h('span', { class: 'muted' }, `${fmtPct(rate)} — ✓ ${fmtNum(c.passes)} / ✗ ${fmtNum(c.fails)}`)]);
        }),
      ),
    ]);
  });
  return h('div', {}, [h('h2', {}, 'Checks'), h('ul', { class: 'checks' }, items)]);
}

function endpointsSection(d: ReportData): Node {
  if (!d.endpoints.length) return h('div', {}, [h('h2', {}, 'Endpoints'), h('p', { class: 'muted' }, 'no HTTP requests')]);
  return h('div', {}, [
    h('h2', {}, 'Endpoints (name tag)'),
    h('table', {}, [
      h('thead', {}, h('tr', {}, ['name', 'requests', 'error rate', 'p50', 'p90', 'p95', 'p99', 'max'].map((c) => h('th', {}, c)))),
      h(
        'tbody',
        {},
        d.endpoints.map((e) =>
          h('tr', { class: e.failed ? 'bad' : '' }, [
            h('td', {}, h('code', {}, e.name)),
            h('td', { class: 'num' }, fmtNum(e.count)),
            h('td', { class: 'num' }, fmtPct(e.errorRate)),
            ...[e.p50, e.p90, e.p95, e.p99, e.max].map((v) => h('td', { class: 'num' }, fmtMs(v))),
          ]),
        ),
      ),
    ]),
  ]);
}

const PALETTE = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#475569'];
/** Greens for 2xx, ambers for 4xx, reds for 5xx, violet for no response; shades tell codes of one class apart. */
const SHADES: Record<string, string[]> = { '2': ['#16a34a', '#0d9488', '#65a30d'], '4': ['#f59e0b', '#ea580c', '#ca8a04'], '5': ['#dc2626', '#be123c', '#9f1239'] };
function statusColor(status: string, i: number, all: string[]): string {
  if (status === '0') return '#7c3aed';
  const shades = SHADES[status[0]];
  if (!shades) return PALETTE[i % PALETTE.length];
  const n = all.filter((s) => s[0] === status[0]).indexOf(status);
  return shades[n % shades.length];
}
/** Whole seconds at least: a short live run must not get millisecond ticks. */
const TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];

interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  /** `dash`: compare.html draws the baseline dashed. */
  series: Array<{ label: string; color: string; values: Array<number | null>; dash?: number[] }>;
}

function chartSpecs(d: ReportData): ChartSpec[] {
  const s = d.series;
  const per = (v: Array<number | null>) => v.map((x) => (x === null ? null : x / d.step));
  const statuses = Object.keys(s.reqsByStatus);
  const errs = Object.keys(s.errorsByStatus);
  return [
    {
      id: 'reqs',
      title: 'Requests per second',
      unit: 'req/s',
      series: [{ label: 'total', color: '#2563eb', values: per(s.reqs) }, ...statuses.map((k, i) => ({ label: `status ${k}`, color: statusColor(k, i, statuses), values: per(s.reqsByStatus[k]) }))],
    },
    {
      id: 'errors',
      title: 'Errors per second by status',
      unit: 'err/s',
      series: errs.length ? errs.map((k, i) => ({ label: `status ${k}`, color: statusColor(k, i, errs), values: per(s.errorsByStatus[k]) })) : [{ label: 'failed', color: '#dc2626', values: s.t.map(() => 0) }],
    },
    {
      id: 'latency',
      title: 'Request duration percentiles',
      unit: 'ms',
      series: [
        { label: 'p50', color: '#16a34a', values: s.p50 },
        { label: 'p90', color: '#2563eb', values: s.p90 },
        { label: 'p95', color: '#f59e0b', values: s.p95 },
        { label: 'p99', color: '#dc2626', values: s.p99 },
      ],
    },
    { id: 'vus', title: 'Virtual users', unit: 'VUs', series: [{ label: 'VUs', color: '#7c3aed', values: s.vus }] },
    { id: 'iterations', title: 'Iterations per second', unit: 'it/s', series: [{ label: 'iterations', color: '#0891b2', values: per(s.iterations) }] },
  ];
}

/** Fault windows (red) and phases (grey) shaded behind the lines. */
function windowsPlugin(windows: () => TimeWindow[]): uPlot.Plugin {
  return {
    hooks: {
      drawClear: [
        (u: uPlot) => {
          const ctx = u.ctx;
          const { top, height } = u.bbox;
          ctx.save();
          for (const w of windows()) {
            const x0 = u.valToPos(w.start / 1000 - xOrigin, 'x', true);
            const x1 = u.valToPos(w.end / 1000 - xOrigin, 'x', true);
            ctx.fillStyle = w.kind === 'fault' ? 'rgba(220,38,38,0.13)' : 'rgba(100,116,139,0.08)';
            ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
            ctx.fillStyle = w.kind === 'fault' ? 'rgba(185,28,28,0.9)' : 'rgba(71,85,105,0.9)';
            ctx.font = `${11 * devicePixelRatio}px sans-serif`;
            // faults labelled at the top, phases at the bottom: they often start at the same second
            ctx.fillText(w.name, x0 + 4 * devicePixelRatio, w.kind === 'fault' ? top + 12 * devicePixelRatio : top + height - 4 * devicePixelRatio);
          }
          ctx.restore();
        },
      ],
    },
  };
}

let current: ReportData;
/** Unix seconds at x = 0: 0 (clock time), or the run's first second when compare.html plots seconds since start. */
let xOrigin = 0;

/** The target's charts (fault windows shaded as on the load charts), or the note that it was not sampled. */
function renderTarget(d: ReportData): void {
  const root = document.getElementById('target')!;
  if (!d.target) {
    for (const [id, c] of charts) {
      if (!id.startsWith('target-')) continue;
      c.plot.destroy();
      charts.delete(id);
    }
    if (!root.querySelector('[data-target-note]')) root.replaceChildren(h('p', { class: 'muted', 'data-target-note': '' }, TARGET_NOT_SAMPLED));
    return;
  }
  root.querySelector('[data-target-note]')?.remove();
  // on the load charts' x axis (compare.html: seconds since the run's start)
  renderCharts('target', d, { x: d.target.t.map((s) => s - xOrigin), origin: xOrigin, specs: targetChartSpecs(d) });
}

/** The union of the load's and the target's points (unix seconds), or undefined before any. */
function sharedRange(d: ReportData): [number, number] | undefined {
  const ends: number[] = [];
  for (const s of [d.series, d.target]) if (s?.t.length) ends.push(s.t[0], s.t[s.t.length - 1]);
  if (!ends.length) return undefined;
  const min = Math.min(...ends);
  const max = Math.max(...ends);
  return min === max ? [min - 1, max + 1] : [min, max];
}

function renderCharts(rootId: string, d: ReportData, view: { x: number[]; origin: number; specs: ChartSpec[] }): void {
  const root = document.getElementById(rootId)!;
  const width = Math.max(320, Math.min(root.clientWidth || 900, 1400) / (root.clientWidth > 900 ? 2 : 1) - 24);
  xOrigin = view.origin;
  for (const spec of view.specs) {
    const shape = spec.series.map((s) => s.label).join('|');
    const data = [view.x, ...spec.series.map((s) => s.values)] as uPlot.AlignedData;
    const have = charts.get(spec.id);
    if (have && have.shape === shape) {
      have.plot.setData(data);
      continue;
    }
    have?.plot.destroy();
    let box = document.querySelector<HTMLElement>(`[data-chart="${spec.id}"]`);
    if (!box) {
      box = h('div', { class: 'chart', 'data-chart': spec.id }, [h('h3', {}, spec.title)]) as HTMLElement;
      root.append(box);
    }
    const opts: uPlot.Options = {
      width,
      height: 220,
      plugins: [windowsPlugin(() => current.windows)],
      // report.html: load and target charts share one time range, a second lines up across all of them
      scales: { x: d.compare ? { time: false } : { time: true, range: (_u: uPlot, min: number, max: number) => sharedRange(current) ?? [min, max] } },
      axes: [d.compare ? { incrs: TIME_INCRS, label: 'seconds since start' } : { incrs: TIME_INCRS }, { label: spec.unit, size: 60 }],
      series: [d.compare ? { label: 'second' } : {}, ...spec.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: false, points: { show: view.x.length < 60 }, ...(s.dash ? { dash: s.dash } : {}) }))],
    };
    charts.set(spec.id, { plot: new uPlot(opts, data, box), shape });
  }
}

function start(): void {
  current = readEmbedded();
  render(current);
  if (current.live && typeof EventSource !== 'undefined') {
    const es = new EventSource('/events');
    es.onmessage = (ev) => {
      current = JSON.parse(ev.data) as ReportData;
      render(current);
      document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1);
      if (!current.live) es.close();
    };
  }
}

start();
