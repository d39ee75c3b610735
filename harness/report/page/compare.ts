/**
 * compare.html's additions to the report page (data.compare, written by harness/gate): the gate's
 * verdict table, and the charts redrawn against seconds since start with the baseline overlaid
 * (dashed, the median of its runs). report.html has no `compare` and never reaches this code.
 */
import type { CompareData, ReportData } from '../report-data';
import { h } from './dom';

/** A chart as main.ts describes it (structural: main.ts imports this file, not the reverse). */
export interface OverlaySpec {
  id: string;
  title: string;
  unit: string;
  series: Array<{ label: string; color: string; values: Array<number | null>; dash?: number[] }>;
}

const DASH = [6, 4];

export function compareTitle(c: CompareData): string {
  return ` vs baseline ${c.baseline}`;
}

export function compareSection(d: ReportData): Node {
  const c = d.compare!;
  const failed = c.verdict === 'failed';
  const badge = (v: string) => h('span', { class: `badge ${v === 'regressed' || v === 'missing' ? 'fail' : v === 'improved' ? 'pass' : 'neutral'}` }, v === 'regressed' || v === 'missing' ? v.toUpperCase() : v);
  return h('div', {}, [
    h('h2', {}, [`Regression gate against baseline "${c.baseline}" `, h('span', { class: `badge ${failed ? 'fail' : 'pass'}`, id: 'compare-verdict' }, failed ? 'FAILED' : 'PASSED')]),
    h('p', {}, [
      c.summary,
      h('span', { class: 'muted' }, ` · baseline run(s): ${c.baselineRuns.join(', ')}${c.candidateRuns ? ` · this run pooled with ${c.candidateRuns.slice(1).join(', ')} for the table (the charts are this run's)` : ''} · dashed lines in the charts: the baseline (median of its runs), by seconds since start`),
    ]),
    h('table', { id: 'compare-table' }, [
      h('thead', {}, h('tr', {}, ['verdict', 'statistic', 'tag set', 'baseline', 'this run', 'change', 'tolerance', 'effect size', 'confidence', 'note'].map((x) => h('th', {}, x)))),
      h(
        'tbody',
        {},
        c.rows.map((r) =>
          h('tr', { class: r.verdict === 'regressed' || r.verdict === 'missing' ? 'bad' : r.verdict === 'improved' ? 'ok' : '', 'data-verdict': r.verdict }, [
            h('td', {}, badge(r.verdict)),
            h('td', {}, h('code', {}, r.statistic)),
            h('td', {}, r.tags ? h('code', {}, r.tags) : h('span', { class: 'muted' }, 'whole metric')),
            h('td', { class: 'num' }, r.baseline),
            h('td', { class: 'num' }, r.candidate),
            h('td', { class: 'num' }, r.change),
            h('td', { class: 'num' }, r.tolerance),
            h('td', { class: 'num' }, r.effect),
            h('td', { class: 'num' }, r.confidence),
            h('td', { class: 'muted' }, r.note),
          ]),
        ),
      ),
    ]),
    h('p', { class: 'muted' }, "effect size: Cliff's delta of the per-second windows (latency, throughput) or the rate difference; confidence: 1 - p of the one-sided test (docs/gates.md)."),
  ]);
}

/**
 * The report's charts with the baseline overlaid. Both runs are placed by seconds since their
 * start (x = i × step), so the run's own points lose their clock time; the request and error
 * charts show totals (the baseline keeps no per-status split), latency p50/p95/p99 (what it keeps).
 * Charts the baseline has nothing for are drawn for the run alone.
 */
export function compareView(d: ReportData, specs: OverlaySpec[]): { x: number[]; origin: number; specs: OverlaySpec[] } {
  const b = d.compare!.series;
  const n = Math.max(d.series.t.length, b.reqs.length);
  const x = Array.from({ length: n }, (_, i) => i * d.step);
  const pad = (v: Array<number | null>) => Array.from({ length: n }, (_, i) => v[i] ?? null);
  const per = (v: Array<number | null>) => pad(v.map((y) => (y === null ? null : y / b.step)));
  const base = (label: string, color: string, values: Array<number | null>) => ({ label: `baseline ${label}`, color, values, dash: DASH });
  const sum = (series: OverlaySpec['series']) => d.series.t.map((_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const out: OverlaySpec[] = [];
  for (const s of specs) {
    const find = (label: string) => s.series.find((x) => x.label === label);
    switch (s.id) {
      case 'reqs':
        out.push({ ...s, series: [{ label: 'this run', color: '#2563eb', values: pad(find('total')?.values ?? []) }, base('', '#2563eb', per(b.reqs))] });
        break;
      case 'errors':
        out.push({ ...s, title: 'Failed requests per second', series: [{ label: 'this run', color: '#dc2626', values: pad(sum(s.series)) }, base('', '#dc2626', per(b.failed))] });
        break;
      case 'latency': {
        const q = ['p50', 'p95', 'p99'] as const;
        const cand = q.map((k) => ({ ...find(k)!, values: pad(find(k)?.values ?? []) }));
        out.push({ ...s, series: [...cand, ...q.map((k, i) => base(k, cand[i]!.color, pad(b[k])))] });
        break;
      }
      case 'vus':
        out.push({ ...s, series: [...s.series.map((x) => ({ ...x, values: pad(x.values) })), base('VUs', s.series[0]?.color ?? '#7c3aed', pad(b.vus))] });
        break;
      case 'iterations':
        out.push({ ...s, series: [...s.series.map((x) => ({ ...x, values: pad(x.values) })), base('iterations', s.series[0]?.color ?? '#0891b2', per(b.iterations))] });
        break;
      default:
        // a chart of the run alone (the baseline keeps nothing for it) on the same axis
        if (s.series.every((x) => x.values.length === d.series.t.length)) out.push({ ...s, series: s.series.map((x) => ({ ...x, values: pad(x.values) })) });
    }
  }
  return { x, origin: d.series.t[0] ?? 0, specs: out };
}
