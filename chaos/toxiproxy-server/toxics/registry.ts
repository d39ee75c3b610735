import { Registry } from '../../../vocabulary';
import type { ToxicType } from './toxic';

/**
 * Toxic types by their JSON `type` key. Registering a key twice throws (unlike Toxiproxy's silent
 * overwrite); `get` of an unknown key returns undefined so the API can answer with
 * `invalid toxic type`, and `require` throws listing the valid keys.
 */
export class ToxicRegistry {
  readonly #types = new Registry<ToxicType>({ kind: 'toxic type' });

  register(t: ToxicType<any>): this {
    this.#types.register(t.type, t as ToxicType);
    return this;
  }

  get(type: string): ToxicType | undefined {
    return this.#types.find(type);
  }

  require(type: string): ToxicType {
    return this.#types.get(type);
  }

  keys(): string[] {
    return this.#types.keys();
  }
}
