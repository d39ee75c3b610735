export { parseThresholdExpression, ThresholdParseError, SUPPORTED_METHODS, sinkKey } from './parser';
export type { ThresholdExpression, AggregationMethod, ThresholdOperator } from './parser';
export { parseThresholdsConfig, validateThresholds, thresholdJson } from './config';
export type { ThresholdsOption, ThresholdsConfig, ThresholdDef } from './config';
export { ThresholdsEvaluator, ThresholdsAbortError, thresholdsCrossedMessage, THRESHOLDS_INTERVAL_MS } from './evaluator';
export type { ThresholdRunResult, ThresholdState } from './evaluator';
