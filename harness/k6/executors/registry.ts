import type { BaseScenarioConfig, ExecutorDefinition } from './types';

/** kebab-case executor type -> definition. Duplicate keys throw; unknown keys list the valid ones. */
export class ExecutorRegistry {
  private readonly defs = new Map<string, ExecutorDefinition<any>>();

  register<C extends BaseScenarioConfig>(def: ExecutorDefinition<C>): this {
    if (this.defs.has(def.type)) throw new Error(`executor "${def.type}" is already registered`);
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(def.type)) throw new Error(`executor type "${def.type}" must be kebab-case`);
    this.defs.set(def.type, def);
    return this;
  }

  has(type: string): boolean {
    return this.defs.has(type);
  }

  keys(): string[] {
    return [...this.defs.keys()].sort();
  }

  /** Throws `unknown executor "x"; valid: ...`. */
  get(type: string): ExecutorDefinition<BaseScenarioConfig> {
    const d = this.defs.get(type);
    if (!d) throw new Error(this.unknownMessage(type));
    return d;
  }

  unknownMessage(type: string): string {
    return `unknown executor "${type}"; valid: ${this.keys().join(', ')}`;
  }
}
