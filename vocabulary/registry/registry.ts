export interface RegistryOptions {
  /** What the keys name, for messages: `engine`, `runtime`, `output`, `executor`, `toxic type`. */
  kind: string;
  /** `keys()` (and so the "valid:" list) sorted; default: registration order. */
  sorted?: boolean;
  /** Selections that are valid but not entries (`auto`): listed first in "valid:", refused by `register`. */
  reserved?: readonly string[];
  /** The error an unknown or removed key throws (the caller's class carries its exit code); default `Error`. */
  error?: (message: string) => Error;
}

/**
 * A table of plugins by kebab-case key (k6 `lib/executors.go`, `internal/cmd/outputs.go`):
 *
 *   register("json", f)   a key registered twice throws: `output "json" is already registered`
 *   get("x")              an unknown key throws: `unknown output "x"; valid: influxdb, json, none`
 *   retire("old", hint)   a removed key throws its migration hint: `output "old" was removed: use --out json`
 *   find("x")             undefined instead of throwing (for APIs that answer with their own error)
 *
 * Built-ins are registered in one place per registry (a `builtins.ts`), never by import side effects.
 */
export class Registry<V, K extends string = string> {
  readonly #entries = new Map<K, V>();
  readonly #retired = new Map<string, string>();
  readonly #o: RegistryOptions;

  constructor(options: RegistryOptions) {
    this.#o = options;
  }

  get kind(): string {
    return this.#o.kind;
  }

  register(key: K, value: V): this {
    if (this.#o.reserved?.includes(key as string)) throw new Error(`"${key}" is reserved for ${this.#o.kind} selection`);
    if (this.#entries.has(key) || this.#retired.has(key)) throw new Error(`${this.#o.kind} "${key}" is already registered`);
    this.#entries.set(key, value);
    return this;
  }

  /** Keeps a removed key known: selecting it throws `hint` (say what to use instead). */
  retire(key: string, hint: string): this {
    if (this.#entries.has(key as K) || this.#retired.has(key)) throw new Error(`${this.#o.kind} "${key}" is already registered`);
    this.#retired.set(key, hint);
    return this;
  }

  has(key: string): key is K {
    return this.#entries.has(key as K);
  }

  find(key: string): V | undefined {
    return this.#entries.get(key as K);
  }

  /** The entry, or throws the unknown/removed-key message with the configured error. */
  get(key: string): V {
    const v = this.#entries.get(key as K);
    if (v !== undefined) return v;
    throw (this.#o.error ?? ((m: string) => new Error(m)))(this.unknownMessage(key));
  }

  /** `unknown <kind> "x"; valid: a, b, c`, or the removed key's hint. */
  unknownMessage(key: string): string {
    const hint = this.#retired.get(key);
    if (hint !== undefined) return `${this.#o.kind} "${key}" was removed: ${hint}`;
    return `unknown ${this.#o.kind} "${key}"; valid: ${this.selections().join(', ')}`;
  }

  /** Registered keys (without reserved selections or removed keys). */
  keys(): K[] {
    const k = [...this.#entries.keys()];
    return this.#o.sorted ? k.sort() : k;
  }

  /** Every valid selection: reserved ones first, then the keys. */
  selections(): string[] {
    return [...(this.#o.reserved ?? []), ...this.keys()];
  }

  values(): V[] {
    return this.keys().map((k) => this.#entries.get(k)!);
  }

  entries(): Array<[K, V]> {
    return this.keys().map((k) => [k, this.#entries.get(k)!]);
  }
}
