/**
 * k6 JS modules by import path (`k6`, `k6/http`, …). The runtime's `require` resolves through
 * it; built-ins are registered in builtins.ts only. Duplicate keys throw; unknown keys list the
 * supported ones.
 */
import { Registry } from '../../../vocabulary';
import type { ModuleFactory } from '../types';

export class ModuleRegistry extends Registry<ModuleFactory> {
  constructor() {
    super({ kind: 'k6 module', sorted: true });
  }

  /** The factory, or throws with what k6 users need to hear (remote modules, xk6 extensions). */
  resolve(path: string): ModuleFactory {
    const f = this.find(path);
    if (f) return f;
    const hint = /^https?:\/\//.test(path)
      ? ' (remote modules are not supported by the builtin engine: it runs offline)'
      : path.startsWith('k6/x/')
        ? ' (xk6 extensions need a custom k6 binary; run with the real k6)'
        : '';
    throw new Error(`unknown module "${path}"${hint}; supported: ${this.keys().join(', ')}`);
  }
}
