import { BuiltinEngine } from './builtin-engine';
import { EngineRegistry, type ResolvedEngine } from './engine-registry';
import { K6Engine } from './k6-engine';
import type { EngineEnv } from './types';

/** The registry with the built-in engines, in `auto` preference order: real k6, then builtin. */
export function defaultEngineRegistry(): EngineRegistry {
  return new EngineRegistry().register('k6', () => new K6Engine()).register('builtin', () => new BuiltinEngine());
}

/** `--engine auto|k6|builtin` -> an available engine, or an error saying why not. */
export function resolveEngine(selection: string, env: EngineEnv, registry: EngineRegistry = defaultEngineRegistry()): Promise<ResolvedEngine> {
  return registry.resolve(selection, env);
}
