import * as hdr from 'hdr-histogram-js';
import { seriesKey, type Tags } from '../../vocabulary';
import { GATE_DEFAULTS, type GateTolerances } from '../config';
import { PERCENTILES, type Percentile, type RunProfile, type SeriesProfile } from './run-profile';
import { SeriesTolerances } from './series-tolerances';
import { betweenRunsTest, mannWhitneyU, median, relativeSpread, twoProportionZ } from './statistics';

/** The defaults (harness/config's `GATE_DEFAULTS`, the one home of the tolerance fields). */
export const DEFAULT_TOLERANCES: GateTolerances = GATE_DEFAULTS;

export type Verdict = 'improved' | 'unchanged' | 'regressed' | 'missing' | 'inconclusive';

/** One line of the gate: a statistic of one series, candidate against baseline. */
export interface GateRow {
  /** `http_req_duration p95`, `http_req_failed rate`, `http_reqs per second`, `checks failure rate`. */
  statistic: string;
  metric: string;
  tags: Tags;
  baseline: number;
  candidate: number;
  /** Candidate relative to baseline (latency, throughput) or the absolute difference (rates). */
  change: number;
  changeKind: 'relative' | 'absolute';
  /** The tolerance applied (widened by the baseline's between-run noise). */
  tolerance: number;
  /** Cliff's delta (per-second windows) or the rate difference. */
  effectSize: number;
  /** 1 - p of the one-sided test in the direction of the change. */
  confidence: number;
  test: 'between-runs-t' | 'mann-whitney-u' | 'two-proportion-z' | 'none';
  verdict: Verdict;
  note?: string;
}

export interface GateResult {
  rows: GateRow[];
  /** How the candidate was run differently from the baseline (engine, runtime, runners, machine): the verdicts compare unlike with like. */
  warnings?: string[];
  regressed: number;
  improved: number;
  missing: number;
  /** Tail rows that rose while the machine was busier than for the baseline (`busyMachineFactor`). */
  inconclusive: number;
  baselineRuns: string[];
  candidateRun: string;
}

/** Fewer per-second windows than this on either side: no test, the tolerance alone decides. */
const MIN_WINDOWS = 5;
/**
 * From this many baseline runs on, latency and throughput are tested against the runs' own
 * spread (`betweenRunsTest`) instead of per-second windows: two runs give a t with one degree of
 * freedom, too wide to catch anything.
 */
export const MIN_BASELINE_RUNS_FOR_SPREAD = 3;

/**
 * Compares a candidate run with the runs of a baseline, per metric and tag set:
 *
 *   latency pXX   candidate's whole-run pXX (HDR) vs the median of the baseline runs'; test: with >= 3
 *                 baseline runs, between runs (`betweenRunsTest` of the per-run values), else Mann-Whitney
 *                 U of the per-second pXX windows; the percentiles of a series share alpha (alpha / n each)
 *   throughput    http_reqs per second; test: as latency (windows: per-second counts, partial first and
 *                 last seconds dropped)
 *   error rate    http_req_failed; test: two-proportion z on the counts
 *   checks        each check's failure rate; test: two-proportion z
 *
 * A statistic regresses when its change is beyond the tolerance (the smallest change that matters;
 * with 1-2 baseline runs widened by `noiseFactor` times their spread) in the bad direction AND the
 * test is significant (p < alpha); improved likewise in the good direction; anything else is
 * unchanged. A whole metric with too few windows for the window test (a run under 5 s) is judged on
 * the tolerance alone; a sparse endpoint or check is only reported. A baseline series absent from
 * the candidate is `missing` (an endpoint or check that disappeared must not pass silently).
 */
export function compareRuns(candidate: RunProfile, baseline: readonly RunProfile[], base: GateTolerances = DEFAULT_TOLERANCES): GateResult {
  const rows: GateRow[] = [];
  const busy = busierMachine(candidate, baseline, base.busyMachineFactor);
  const bySeries = new SeriesTolerances(base);
  const cand = indexSeries(candidate);
  const keys = new Map<string, SeriesProfile>();
  for (const b of baseline) for (const s of b.series) keys.set(keyOf(s), keys.get(keyOf(s)) ?? s);
  for (const [key, ref] of keys) {
    const per = baseline.map((b) => indexSeries(b).get(key)).filter((s): s is SeriesProfile => s !== undefined);
    const c = cand.get(key);
    const tol = bySeries.for(ref);
    if (ref.kind === 'trend' && tol.latencyMetrics.includes(ref.metric)) {
      const qs = tol.percentiles.filter((q) => (PERCENTILES as readonly number[]).includes(q));
      // one family per series: each percentile at alpha / n keeps the series' false alarms <= alpha
      const familyAlpha = { ...tol, alpha: tol.alpha / Math.max(1, qs.length) };
      for (const q of qs) {
        const row = c ? latencyRow(c, per, q as Percentile, familyAlpha) : missingRow(`${ref.metric} p${q}`, ref);
        // on a busier machine a rise from p50 up says more about the neighbours than the change
        if (busy && q >= 50 && row.verdict === 'regressed') {
          row.verdict = 'inconclusive';
          row.note = `rose on a busier machine (${busy.text}): not judged`;
        }
        rows.push(row);
      }
    } else if (ref.metric === 'http_reqs' && ref.kind === 'counter') {
      rows.push(c ? throughputRow(c, per, candidate, baseline, tol) : missingRow('http_reqs per second', ref));
    } else if (ref.metric === 'http_req_failed' && ref.kind === 'rate') {
      rows.push(c ? rateRow('http_req_failed rate', c, per, (s) => s.hits ?? 0, tol.errorRateTolerance, tol) : missingRow('http_req_failed rate', ref));
    } else if (ref.metric === 'checks' && ref.kind === 'rate') {
      rows.push(c ? rateRow('checks failure rate', c, per, (s) => s.count - (s.hits ?? 0), tol.checksTolerance, tol) : missingRow('checks failure rate', ref));
    }
  }
  const warnings = environmentWarnings(candidate, baseline);
  const excused = rows.filter((r) => r.verdict === 'inconclusive').length;
  if (busy) {
    warnings.push(`the machine was busier than for the baseline: ${busy.text}${excused ? `; ${excused} percentile row(s) from p50 up that rose are inconclusive, p10 (which load hardly moves) still judges` : ''}`);
  }
  return {
    rows,
    warnings,
    regressed: rows.filter((r) => r.verdict === 'regressed').length,
    improved: rows.filter((r) => r.verdict === 'improved').length,
    inconclusive: excused,
    missing: rows.filter((r) => r.verdict === 'missing').length,
    baselineRuns: baseline.map((b) => b.runId),
    candidateRun: candidate.runId,
  };
}

function latencyRow(c: SeriesProfile, per: SeriesProfile[], q: Percentile, tol: GateTolerances): GateRow {
  const perRun = per.map((s) => wholePercentile(s, q));
  const base = median(perRun);
  const value = wholePercentile(c, q);
  const mw = mannWhitneyU(c.seconds.p?.[`p${q}`] ?? [], per.flatMap((s) => s.seconds.p?.[`p${q}`] ?? []));
  const enough = (c.seconds.p?.[`p${q}`]?.length ?? 0) >= MIN_WINDOWS && per.reduce((n, s) => n + (s.seconds.p?.[`p${q}`]?.length ?? 0), 0) >= MIN_WINDOWS;
  return judge({
    statistic: `${c.metric} p${q}`,
    series: c,
    baseline: base,
    candidate: value,
    change: base > 0 ? value / base - 1 : 0,
    changeKind: 'relative',
    higherIsWorse: true,
    effectSize: mw.delta,
    alpha: tol.alpha,
    ...runTest(value, perRun, mw, enough, tol.latencyTolerance, tol.noiseFactor, true),
  });
}

/**
 * The test and tolerance of a per-run statistic (a latency percentile, requests per second).
 * With >= MIN_BASELINE_RUNS_FOR_SPREAD baseline runs: is the candidate outside what the runs' own
 * spread predicts for a new run (`betweenRunsTest`), with the tolerance as the smallest change
 * that matters. Per-second windows are not used for the decision then: within one run they are
 * correlated (a busy minute slows them all), so a window test calls any between-run wobble
 * "significant". With fewer runs there is no estimate of that spread: the window test, and the
 * tolerance widened by `noiseFactor` times the two runs' spread.
 */
function runTest(
  value: number,
  perRun: number[],
  mw: { pGreater: number; pLess: number },
  enoughWindows: boolean,
  tolerance: number,
  noiseFactor: number,
  higherIsWorse: boolean,
): { tolerance: number; pWorse: number; pBetter: number; test: GateRow['test'] } {
  if (perRun.length >= MIN_BASELINE_RUNS_FOR_SPREAD) {
    const bt = betweenRunsTest(value, perRun);
    return { tolerance, test: 'between-runs-t', pWorse: higherIsWorse ? bt.pGreater : bt.pLess, pBetter: higherIsWorse ? bt.pLess : bt.pGreater };
  }
  return {
    tolerance: tolerance + noiseFactor * relativeSpread(perRun),
    test: enoughWindows ? 'mann-whitney-u' : 'none',
    pWorse: higherIsWorse ? mw.pGreater : mw.pLess,
    pBetter: higherIsWorse ? mw.pLess : mw.pGreater,
  };
}

function throughputRow(c: SeriesProfile, per: SeriesProfile[], candidate: RunProfile, baseline: readonly RunProfile[], tol: GateTolerances): GateRow {
  const inner = (s: SeriesProfile) => (s.seconds.count.length > 2 ? s.seconds.sum.slice(1, -1) : s.seconds.sum);
  const rate = (s: SeriesProfile, run: RunProfile | undefined) => s.sum / (run?.seconds ?? s.seconds.count.length);
  const perRun = per.map((s) => rate(s, baseline.find((b) => b.series.includes(s))));
  const base = median(perRun);
  const value = rate(c, candidate);
  const cw = inner(c);
  const bw = per.flatMap(inner);
  const mw = mannWhitneyU(cw, bw);
  return judge({
    statistic: 'http_reqs per second',
    series: c,
    baseline: base,
    candidate: value,
    change: base > 0 ? value / base - 1 : 0,
    changeKind: 'relative',
    higherIsWorse: false,
    effectSize: mw.delta,
    alpha: tol.alpha,
    ...runTest(value, perRun, mw, cw.length >= MIN_WINDOWS && bw.length >= MIN_WINDOWS, tol.throughputTolerance, tol.noiseFactor, false),
  });
}

function rateRow(statistic: string, c: SeriesProfile, per: SeriesProfile[], bad: (s: SeriesProfile) => number, tolerance: number, tol: GateTolerances): GateRow {
  const bHits = per.reduce((n, s) => n + bad(s), 0);
  const bN = per.reduce((n, s) => n + s.count, 0);
  const z = twoProportionZ(bad(c), c.count, bHits, bN);
  const base = bN ? bHits / bN : 0;
  const value = c.count ? bad(c) / c.count : 0;
  return judge({
    statistic,
    series: c,
    baseline: base,
    candidate: value,
    change: value - base,
    changeKind: 'absolute',
    tolerance,
    higherIsWorse: true,
    effectSize: z.diff,
    pWorse: z.pGreater,
    pBetter: z.pLess,
    test: 'two-proportion-z',
    alpha: tol.alpha,
  });
}

function judge(o: {
  statistic: string;
  series: SeriesProfile;
  baseline: number;
  candidate: number;
  change: number;
  changeKind: 'relative' | 'absolute';
  tolerance: number;
  higherIsWorse: boolean;
  effectSize: number;
  pWorse: number;
  pBetter: number;
  test: GateRow['test'];
  alpha: number;
}): GateRow {
  const worse = o.higherIsWorse ? o.change : -o.change;
  let verdict: Verdict = 'unchanged';
  let note: string | undefined;
  // Too few windows to test: a whole metric (a run too short) is judged on the tolerance alone, so a
  // big change never passes silently; a sparse endpoint or check (a request every few seconds) is
  // too noisy for that and only reported.
  const whole = Object.keys(o.series.tags).length === 0;
  const significant = (p: number) => (o.test === 'none' ? whole : p < o.alpha);
  if (o.test === 'none') note = whole ? `fewer than ${MIN_WINDOWS} per-second windows: no test, tolerance only` : `fewer than ${MIN_WINDOWS} per-second windows: too sparse to judge`;
  if (worse > o.tolerance && significant(o.pWorse)) verdict = 'regressed';
  else if (-worse > o.tolerance && significant(o.pBetter)) verdict = 'improved';
  else if (worse > o.tolerance && o.test !== 'none') note = `beyond tolerance but not significant (p=${fmtP(o.pWorse)})`;
  const p = worse >= 0 ? o.pWorse : o.pBetter;
  return {
    statistic: o.statistic,
    metric: o.series.metric,
    tags: o.series.tags,
    baseline: o.baseline,
    candidate: o.candidate,
    change: o.change,
    changeKind: o.changeKind,
    tolerance: o.tolerance,
    effectSize: o.effectSize,
    confidence: o.test === 'none' ? 0 : 1 - p,
    test: o.test,
    verdict,
    ...(note ? { note } : {}),
  };
}

function missingRow(statistic: string, ref: SeriesProfile): GateRow {
  return { statistic, metric: ref.metric, tags: ref.tags, baseline: Number.NaN, candidate: Number.NaN, change: Number.NaN, changeKind: 'relative', tolerance: 0, effectSize: Number.NaN, confidence: 0, test: 'none', verdict: 'missing', note: 'in the baseline, not in this run' };
}

function fmtP(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

function keyOf(s: SeriesProfile): string {
  return `${s.metric}\u0000${seriesKey(s.tags)}`;
}

function indexSeries(p: RunProfile): Map<string, SeriesProfile> {
  return new Map(p.series.map((s) => [keyOf(s), s]));
}

function wholePercentile(s: SeriesProfile, q: number): number {
  if (!s.hist) return median(s.seconds.p?.[`p${q as Percentile}`] ?? []);
  const h = hdr.decodeFromCompressedBase64(s.hist);
  const v = h.getValueAtPercentile(q) / 1000;
  h.destroy();
  return Math.min(s.max, Math.max(s.min, v));
}

/**
 * What makes latency incomparable: another engine, runtime, process count or machine. The gate
 * still judges (a deliberate change of runner is a fair question to ask it), but says so above
 * the table and in gate.md, so a "regression" that is the runner's is not chased
 * in the code. Baselines saved before `runners` was recorded count as 1.
 */
export function environmentWarnings(candidate: RunProfile, baseline: readonly RunProfile[]): string[] {
  const out: string[] = [];
  // JSON text, so 2 and "2" differ and values compare by content
  const value = (p: RunProfile, key: string) => {
    const v = p.environment[key] ?? (key === 'runners' ? 1 : undefined);
    return v === undefined ? undefined : JSON.stringify(v);
  };
  for (const key of ['scenario', 'engine', 'runtime', 'runners', 'machine']) {
    const mine = value(candidate, key);
    if (mine === undefined) continue;
    const theirs = [...new Set(baseline.map((b) => value(b, key)).filter((v) => v !== undefined))];
    if (theirs.length && !(theirs.length === 1 && theirs[0] === mine)) {
      out.push(`${key} differs: this run ${mine}, the baseline ${theirs.join(' / ')}: the gate compares unlike with like (record the baseline the way this run was made, e.g. the same --runners)`);
    }
  }
  return out;
}

/**
 * Whether the candidate's processes waited for a CPU (run.json `cpuContention.waitPerCpu`, from
 * Linux's schedstat: harness/run/cpu-contention.ts) more than `factor` times as much as in the
 * baseline run that waited most. On a shared machine that is what inflates the tail of identical
 * code (measured: p95 +50..+340% between identical runs while p10 moved < 5%), so a rising
 * p50/p95/p99 then says more about the neighbours than the change. Undefined when any side lacks
 * the figure (macOS, older runs) or `factor` is 0.
 */
export function busierMachine(candidate: RunProfile, baseline: readonly RunProfile[], factor: number): { text: string } | undefined {
  const c = Number(candidate.environment.contention);
  const b = baseline.map((r) => Number(r.environment.contention));
  if (!(factor > 0) || !Number.isFinite(c) || !b.length || b.some((x) => !Number.isFinite(x))) return undefined;
  const most = Math.max(...b);
  if (c <= factor * most) return undefined;
  return { text: `its processes waited ${c.toFixed(2)} ms for a CPU per ms they ran, the baseline runs ${Math.min(...b).toFixed(2)}-${most.toFixed(2)} (gate.busyMachineFactor ${factor})` };
}
