/**
 * k6 JS modules by import path (`k6`, `k6/http`, …). The runtime's `require` resolves through
 * it; built-ins are registered in builtins.ts only. Duplicate keys throw; unknown keys list the
 * supported ones.
 */
import { Registry } from '../../../vocabulary';
import type { ModuleFactory } from '../types';
import { refusedModule } from './refused';

export class ModuleRegistry extends Registry<ModuleFactory> {
  private readonly refused = new Set<string>();

  constructor() {
    super({ kind: 'k6 module', sorted: true });
  }

  /** A module k6 has that this engine refuses at the import, saying what to do instead. */
  refuse(path: string, hint: string): this {
    this.register(path, refusedModule(path, hint));
    this.refused.add(path);
    return this;
  }

  /** The import paths served (refused ones left out). */
  supported(): string[] {
    return this.keys().filter((k) => !this.refused.has(k));
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
    // k6's own text for an unknown module (scripts and dashboards match on it); the list of
    // supported modules only where the engine, not the script, is the reason
    throw new Error(`unknown module: ${path}${hint}${hint ? `; supported: ${this.supported().join(', ')}` : ''}`);
  }
}
