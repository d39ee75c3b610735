import { buildReportData, renderReportHtml, type CompareSeries, type ReportData } from '../report';
import type { GateResult } from './compare-runs';
import { compareRows, summaryLine } from './render-gate';
import type { RunProfile, SeriesProfile } from './run-profile';
import { median } from './statistics';

/**
 * compare.html: the run's own report page (harness/report, the same page code and data) with the
 * gate's verdict table and the baseline's charts overlaid. `info` overrides run.json fields (the
 * run session's final exit code, not yet written).
 */
export async function renderCompareHtml(runDir: string, o: { result: GateResult; baseline: readonly RunProfile[]; baselineName: string; failed: boolean; info?: Record<string, unknown> }): Promise<string> {
  const data: ReportData = await buildReportData(runDir, { info: o.info });
  data.compare = {
    baseline: o.baselineName,
    baselineRuns: o.result.baselineRuns,
    ...(o.result.candidateRun.includes('+') ? { candidateRuns: o.result.candidateRun.split('+') } : {}),
    verdict: o.failed ? 'failed' : 'passed',
    summary: summaryLine(o.result),
    rows: compareRows(o.result),
    series: baselineChartSeries(o.baseline, data.step),
  };
  return renderReportHtml(data);
}

/**
 * The baseline's chart values, bucketed like the report's (`step` s per point: counts add,
 * percentiles and VUs keep the larger), then the median over the baseline's runs point by point.
 * Each run is placed from its own first second: runs are compared by time since start.
 */
export function baselineChartSeries(runs: readonly RunProfile[], step: number): CompareSeries {
  const perRun = runs.map((r) => {
    const n = Math.max(1, Math.ceil(r.seconds / step));
    const whole = (metric: string) => r.series.find((s) => s.metric === metric && Object.keys(s.tags).length === 0);
    const counts = (s: SeriesProfile | undefined, pick: (s: SeriesProfile, i: number) => number) => bucket(s, n, step, pick, (a, b) => a + b, 0);
    const highest = (s: SeriesProfile | undefined, pick: (s: SeriesProfile, i: number) => number | undefined) => bucket(s, n, step, pick, Math.max, null);
    const duration = whole('http_req_duration');
    const failed = whole('http_req_failed');
    return {
      reqs: counts(whole('http_reqs'), (s, i) => s.seconds.sum[i]!),
      // a rate's per-second sum is its non-zero samples: failed requests
      failed: counts(failed, (s, i) => s.seconds.sum[i]!),
      p50: highest(duration, (s, i) => s.seconds.p?.p50?.[i]),
      p95: highest(duration, (s, i) => s.seconds.p?.p95?.[i]),
      p99: highest(duration, (s, i) => s.seconds.p?.p99?.[i]),
      vus: highest(whole('vus'), (s, i) => s.seconds.max?.[i]),
      iterations: counts(whole('iterations'), (s, i) => s.seconds.sum[i]!),
    };
  });
  const len = Math.max(0, ...perRun.map((r) => r.reqs.length));
  const med = (k: Exclude<keyof CompareSeries, 'step'>) =>
    Array.from({ length: len }, (_, i) => {
      const v = perRun.map((r) => r[k][i]).filter((x): x is number => x !== null && x !== undefined);
      return v.length ? Math.round(median(v) * 1000) / 1000 : null;
    });
  return { step, reqs: med('reqs'), failed: med('failed'), p50: med('p50'), p95: med('p95'), p99: med('p99'), vus: med('vus'), iterations: med('iterations') };
}

/** A series' per-second windows into `n` points of `step` seconds (a window without `at` is at its index). */
function bucket(s: SeriesProfile | undefined, n: number, step: number, pick: (s: SeriesProfile, i: number) => number | undefined, add: (a: number, b: number) => number, empty: 0 | null): Array<number | null> {
  // a series the run lacks is no value; a second a counter had no sample in is 0
  if (!s) return Array.from({ length: n }, () => null);
  const out: Array<number | null> = Array.from({ length: n }, () => empty);
  for (let i = 0; i < s.seconds.count.length; i++) {
    const v = pick(s, i);
    if (v === undefined || !Number.isFinite(v)) continue;
    const b = Math.floor((s.seconds.at?.[i] ?? i) / step);
    if (b < 0) continue;
    while (out.length <= b) out.push(empty);
    const have = out[b]!;
    out[b] = have === null ? v : add(have, v);
  }
  return out;
}
