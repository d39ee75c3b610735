/**
 * The built-in k6-compatible engine's public surface. Everything else under harness/k6/ is
 * internal to the engine.
 *
 *   runK6(['run', ...k6 flags, script], ctx) -> k6 exit code      (what `harness k6` calls)
 */
export { runK6, K6_COMPAT_VERSION } from './cli/run-k6';
export { parseRunFlags, summaryEnabled, type RunFlags } from './cli/flags';
// a run's summary from its finished stream, in the --summary-export format (harness run, summary disabled)
export { streamSummary, type StreamSummary } from './merge/stream-summary';
export { summaryExportJson } from './output/summary-export';
export { consolidateOptions, optionsFromEnv, parseDuration, formatDuration, type K6Options, type OptionLayer } from './options';
export { builtinExecutors, ExecutorRegistry, type Executor, type ExecutorDefinition, type BaseScenarioConfig } from './executors';
export { Scheduler, planExecution, type ExecutionResult, type SchedulerDeps } from './execution';
export * from './types';
