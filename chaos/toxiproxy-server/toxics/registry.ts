import type { ToxicType } from './toxic';

/**
 * Toxic types by their JSON `type` key. Registering a key twice throws (unlike Toxiproxy's silent
 * overwrite); `get` of an unknown key returns undefined so the API can answer with
 * `invalid toxic type`, and `require` throws listing the valid keys.
 */
export class ToxicRegistry {
  #types = new Map<string, ToxicType>();

  register(t: ToxicType<any>): this {
    if (this.#types.has(t.type)) throw new Error(`toxic type "${t.type}" is already registered`);
    this.#types.set(t.type, t as ToxicType);
    return this;
  }

  get(type: string): ToxicType | undefined {
    return this.#types.get(type);
  }

  require(type: string): ToxicType {
    const t = this.#types.get(type);
    if (!t) throw new Error(`unknown toxic type "${type}"; valid: ${this.keys().join(', ')}`);
    return t;
  }

  keys(): string[] {
    return [...this.#types.keys()];
  }
}
