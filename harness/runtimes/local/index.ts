export { LocalRuntime, type LocalRuntimeOptions } from './local-runtime';
export { StartedLocalStack } from './started-local-stack';
export { ManagedProcess, killGroup, type ProcessSpec, type ProcessDeps } from './managed-process';
export { freePort, freePorts } from './free-port';
export { startToxiproxy, detectToxiproxy, createProxy, deleteProxies, type StartedToxiproxy, type ToxiproxyChoice } from './toxiproxy-provider';
