/**
 * Regression gates (docs/gates.md): a run reduced to a `RunProfile` (per metric and tag set:
 * HDR histogram, per-second windows, counts), baselines of such profiles under
 * `reports/baselines/<name>/`, the noise-aware comparison of a run with them, and its outputs
 * (table, gate.md, gate.junit.xml, gate.json, compare.html through harness/report's page). Reads run
 * directories through harness/report and the vocabulary only; `harness baseline`, `harness gate`
 * and `harness run --baseline` (harness/run/gate-output.ts) call it.
 */
export { buildRunProfile, poolRunProfiles, PERCENTILES, type RunProfile, type SeriesProfile } from './run-profile';
export { baselineDir, saveBaselineRun, loadBaseline, trimBaseline } from './baseline-store';
export { compareRuns, DEFAULT_TOLERANCES, type GateResult, type GateRow, type Verdict } from './compare-runs';
export { renderGateTable, renderGateMarkdown, renderGateJunit, compareRows } from './render-gate';
export { renderCompareHtml, baselineChartSeries } from './render-compare';
export { runGate, loadGateBaseline, gateFailed, GATE_FILES, type RunGateOptions } from './run-gate';
export { betweenRunsTest, mannWhitneyU, twoProportionZ, normalCdf, median, relativeSpread, studentTCdf, type BetweenRunsResult } from './statistics';
export { SeriesTolerances, isCompared, unmatchedGateMessage, type UnmatchedGateEntry } from './series-tolerances';
export { unmatchedThresholds, unmatchedMessage, type UnmatchedThreshold } from './unmatched-thresholds';
