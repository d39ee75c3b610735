export { createBuiltinRegistry } from './builtins';
export { ModuleRegistry } from './registry';
