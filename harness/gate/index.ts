/**
 * Regression gates (docs/gates.md): a run reduced to a `RunProfile` (per metric and tag set:
 * HDR histogram, per-second windows, counts), baselines of such profiles under
 * `reports/baselines/<name>/`, and the noise-aware comparison of a run with them. Reads run
 * directories through harness/report and the vocabulary only; `harness baseline`, `harness gate`
 * and `harness run --baseline` (harness/run/gate-output.ts) call it.
 */
export { buildRunProfile, PERCENTILES, type RunProfile, type SeriesProfile } from './run-profile';
export { baselineDir, saveBaselineRun, loadBaseline } from './baseline-store';
export { compareRuns, DEFAULT_TOLERANCES, type GateTolerances, type GateResult, type GateRow, type Verdict } from './compare-runs';
export { renderGateTable, renderGateMarkdown, renderGateJunit } from './render-gate';
export { runGate, gateFailed, GATE_FILES, type RunGateOptions } from './run-gate';
export { mannWhitneyU, twoProportionZ, normalCdf, median, relativeSpread } from './statistics';
export { unmatchedThresholds, unmatchedMessage, type UnmatchedThreshold } from './unmatched-thresholds';
