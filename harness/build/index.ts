/** Scenario compile step: catalog lookup, type-check, bundle, cache. The only import surface of harness/build. */
export { compileScenario, scenariosBoundary, type CompileOptions, type CompileResult } from './compile-scenario';
export { catalogDirs, listScenarios, readDescription, resolveScenario, type ScenarioEntry } from './catalog';
export { ScriptCompileError, formatDiagnostic, type CompileDiagnostic } from './script-compile-error';
export { K6_TARGET, isK6External } from './bundle';
export { CompileCache } from './compile-cache';
export { harnessRoot } from './paths';
export { scriptThresholds } from './script-thresholds';
