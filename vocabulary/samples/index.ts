export type { Tags, MetricType, ValueType, Sample, ThresholdJson, SubmetricInfo, MetricInfo } from './types';
