export { loadScript, K6ScriptRuntime, LifecycleInterruptedError, type ScriptInput, type LoadScriptOptions } from './script-runtime';
export { ScriptAbortedError, ScriptExceptionError } from './errors';
export { VUStateImpl, InterruptedError, internalState } from './vu-state';
export { transformScript } from './transform';
export { releaseBundler } from './bundle';
