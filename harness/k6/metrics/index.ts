export { BuiltinMetric, BUILTIN_METRICS } from './builtin';
export { K6MetricRegistry, createMetricRegistry, isValidMetricName } from './metric-registry';
// Sinks and metric keys are k6 vocabulary (vocabulary/thresholds); the engine re-exports them.
export { CounterSink, GaugeSink, RateSink, TrendSink, newSink, trendStat, invalidTrendStats, parsePercentileStat, validateMetricKey, parseSubmetricSelector } from '../../../vocabulary';
export type { Sink, AnySink } from '../../../vocabulary';
export { GroupTree, k6Id } from './group-tree';
export type { GroupNode, CheckNode } from './group-tree';
export { MetricsEngine } from './metrics-engine';
export type { MetricsEngineOptions, MetricState, SubmetricState, MetricInfo, MetricInfoSource, SubmetricInfo, ThresholdJson } from './metrics-engine';
