export { Scheduler, type SchedulerDeps, type SchedulerState } from './scheduler';
export { planExecution, type ExecutionPlan } from './plan';
export { renderProgress, StreamProgress, NullProgress, type ProgressReporter, type ProgressSource } from './progress';
export { VUBuffer, BufferedVU } from './vu-buffer';
export type { ExecutionResult, LiveThresholds, StopCause } from './types';
