/**
 * k6's vocabulary, independent of any engine: durations, execution segments, threshold expressions
 * and their evaluation over metric sinks, the k6 JSON sample stream, the run directory's target samples
 * (`target.ndjson`: written by the run session's sampler, read by reports), and the registry type
 * the harness's plugin tables share. The engine, the run session, chaos, outputs, reports and gates import it;
 * it imports nothing of ours. Scenarios (bundled for k6) import only `vocabulary/duration`.
 */
export * from './duration';
export * from './registry';
export * from './rollup';
export * from './samples';
export * from './segments';
export * from './target-samples';
export * from './thresholds';
