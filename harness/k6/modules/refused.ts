/**
 * Modules `@types/k6` declares that the built-in engine refuses at load time, with what to do
 * instead. The error is thrown by the import, so the log names the script's `file:line`.
 */
import type { ModuleFactory } from '../types';

export function refusedModule(path: string, hint: string): ModuleFactory {
  return () => {
    throw new Error(`module "${path}" is not supported by the built-in engine; ${hint}`);
  };
}

export const RUN_WITH_REAL_K6 = 'run with real k6: `harness run <scenario> --engine k6` (or `k6 run`)';
