/**
 * What a run records about itself, below both the run layer and the runtimes: its id (and the
 * names derived from it) and `pids.json`, the list of everything it started. Runtimes write into
 * the PidFile they are handed; `harness/run` creates it, and reap and the watchdog read it.
 */
export { PidFile, processStartTicks, isSameProcessAlive, isZombie, type PidFileContent, type RecordedProcess } from './pid-file';
export { newRunId, isRunId, proxyName, RUN_ID_PATTERN } from './run-id';
