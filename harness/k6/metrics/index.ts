export { BuiltinMetric, BUILTIN_METRICS } from './builtin';
export { K6MetricRegistry, createMetricRegistry, isValidMetricName } from './metric-registry';
export { CounterSink, GaugeSink, RateSink, TrendSink, newSink, trendStat, invalidTrendStats, parsePercentileStat } from './sinks';
export type { Sink, AnySink } from './sinks';
export { validateMetricKey, parseSubmetricSelector } from './metric-key';
export { GroupTree, k6Id } from './group-tree';
export type { GroupNode, CheckNode } from './group-tree';
export { MetricsEngine } from './metrics-engine';
export type { MetricsEngineOptions, MetricState, SubmetricState, MetricInfo, MetricInfoSource, SubmetricInfo, ThresholdJson } from './metrics-engine';
