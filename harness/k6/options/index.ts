export * from './types';
export { consolidateOptions, mergeLayers, type ConsolidateInput, type Consolidated } from './consolidate';
export { optionsFromEnv } from './env';
export { parseStageFlag } from './stages';
export { parseDuration, durationMs, formatDuration, formatFixedDuration } from '../../../vocabulary';
