export * from './types';
export { consolidateOptions, mergeLayers, type ConsolidateInput, type Consolidated } from './consolidate';
export { optionsFromEnv } from './env';
export { k6TestOptions } from './test-options';
export { parseStageFlag } from './stages';
export { parseDuration, durationMs, formatDuration, formatFixedDuration } from '../../../vocabulary';
