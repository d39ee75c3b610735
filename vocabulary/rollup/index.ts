export { RollupCell, HistogramPool } from './rollup-cell';
export { SecondRollup, seriesKey, type RolledSecond, type SecondRollupOptions } from './second-rollup';
