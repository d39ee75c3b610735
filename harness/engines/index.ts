/** Engines that run compiled scenarios: real k6 and the builtin one. The only import surface of harness/engines. */
export type { Engine, EngineAvailability, EngineEnv, EngineProgress, EngineResult, EngineRunArgs, EngineRunOptions } from './types';
export { EngineRegistry, type EngineFactory, type ResolvedEngine } from './engine-registry';
export { defaultEngineRegistry, resolveEngine } from './builtins';
export { K6Engine, K6_REFERENCE_VERSION, type K6Probe } from './k6-engine';
export { K6_SUPPORTED_RANGE, mapK6ExitCode, parseK6RunHelp, parseK6Version, k6CliFrom, k6Support, fitArgvToK6, type K6Cli } from './k6-cli';
export { BuiltinEngine, BUILTIN_ENGINE_NODE_ARGS, HARNESS_BIN, type BuiltinEngineOptions } from './builtin-engine';
export { RunnersEngine, type RunnersEngineOptions } from './runners-engine';
export { k6RunArgv } from './k6-run-argv';
export { engineSummaryEnabled } from './engine-summary-enabled';
export { ProgressParser } from './progress-parser';
export { findExecutable } from './find-executable';
export { DEFAULT_KILL_TIMEOUT_MS } from './k6-process';
