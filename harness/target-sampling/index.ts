export { TargetSampler, type TargetEndpoints, type TargetFeed } from './target-sampler';
export { TargetFileWriter, LINES_PER_STEP } from './target-file-writer';
export { prometheusPoints } from './prometheus-points';
