export type * from './types';
export { RuntimeRegistry, type RuntimeFactory, type RuntimeFactoryContext } from './registry';
export { builtinRuntimes } from './builtins';
export { resolveRuntime } from './resolve-runtime';
export { UnavailableRuntime } from './unavailable-runtime';
