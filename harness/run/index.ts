export { RunScope, type RunScopeOptions } from './run-scope';
export { RunDirectory, runsRoot, listRunIds, readJsonFile } from './run-directory';
export { PidFile, processStartTicks, isSameProcessAlive, isZombie, type PidFileContent, type RecordedProcess } from './pid-file';
export { newRunId, isRunId, proxyName, RUN_ID_PATTERN } from './run-id';
export { startWatchdog, type Watchdog } from './watchdog';
export { reap, type ReapOptions, type ReapReport } from './reaper';
export { upStateFile, readUpStates, writeUpStates, type UpState } from './up-state';
export { builtinOutputs, checkOutputs, OutputRegistry, type RunOutput } from './outputs';
export { startStack, type StartStackOptions } from './start-stack';
