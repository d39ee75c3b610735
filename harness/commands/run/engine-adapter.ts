// The engine step lives in the run session (harness/run/run-engine.ts); kept for the tests' imports.
export { selectEngine, type EngineRunRequest, type RunEngine } from '../../run';
