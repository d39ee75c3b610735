export { defineExperiment, validateExperiment } from './define-experiment';
export { runExperiment, type RunExperimentOptions, type ExperimentResult, type Verdict } from './runner';
export { buildSchedule, phaseAt, defaultFaultName, type Schedule, type PlannedFault, type FaultWindow } from './schedule';
export { HttpLoad, type LoadDriver, type RunningLoad, type LoadSample } from './load';
export { FaultDriver } from './fault-driver';
export { Journal, type JournalEntry } from './journal';
export { parseDuration } from './duration';
export type * from './types';
