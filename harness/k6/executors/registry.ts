import { Registry } from '../../../vocabulary';
import type { BaseScenarioConfig, ExecutorDefinition } from './types';

/** kebab-case executor type -> definition. Duplicate keys throw; unknown keys list the valid ones. */
export class ExecutorRegistry {
  private readonly defs = new Registry<ExecutorDefinition<any>>({ kind: 'executor', sorted: true });

  register<C extends BaseScenarioConfig>(def: ExecutorDefinition<C>): this {
    if (this.defs.has(def.type)) throw new Error(`executor "${def.type}" is already registered`);
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(def.type)) throw new Error(`executor type "${def.type}" must be kebab-case`);
    this.defs.register(def.type, def);
    return this;
  }

  has(type: string): boolean {
    return this.defs.has(type);
  }

  keys(): string[] {
    return this.defs.keys();
  }

  /** Throws `unknown executor "x"; valid: ...`. */
  get(type: string): ExecutorDefinition<BaseScenarioConfig> {
    return this.defs.get(type);
  }

  unknownMessage(type: string): string {
    return this.defs.unknownMessage(type);
  }
}
