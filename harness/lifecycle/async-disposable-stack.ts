/**
 * A small ponyfill of TC39 `AsyncDisposableStack` (not in Node 20). Resources are disposed in
 * reverse order; disposal keeps going past individual failures and reports them together, so
 * cleanup never masks the primary error (see STYLE.md §8).
 */
(Symbol as { asyncDispose?: symbol }).asyncDispose ??= Symbol.for('Symbol.asyncDispose');
(Symbol as { dispose?: symbol }).dispose ??= Symbol.for('Symbol.dispose');

type Disposer = () => unknown | Promise<unknown>;

export class AsyncDisposableStack {
  #stack: Array<{ label: string; dispose: Disposer }> = [];
  #disposed = false;
  #disposing: Promise<void> | undefined;

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Registers an object that implements `Symbol.asyncDispose` (or `Symbol.dispose`). */
  use<T extends object | null | undefined>(value: T, label?: string): T {
    if (value == null) return value;
    const v = value as unknown as Record<symbol, unknown>;
    const fn = (v[Symbol.asyncDispose] ?? v[Symbol.dispose]) as Disposer | undefined;
    if (typeof fn !== 'function') throw new TypeError('value is not disposable');
    this.defer(() => fn.call(value), label ?? value.constructor?.name);
    return value;
  }

  adopt<T>(value: T, onDispose: (value: T) => unknown | Promise<unknown>, label?: string): T {
    this.defer(() => onDispose(value), label);
    return value;
  }

  defer(onDispose: Disposer, label = 'cleanup'): void {
    if (this.#disposed) throw new ReferenceError('AsyncDisposableStack already disposed');
    this.#stack.push({ label, dispose: onDispose });
  }

  /** Moves every registration to a new stack, leaving this one empty (and disposed). */
  move(): AsyncDisposableStack {
    const next = new AsyncDisposableStack();
    next.#stack = this.#stack;
    this.#stack = [];
    this.#disposed = true;
    return next;
  }

  /** Idempotent: concurrent and repeated calls share one disposal. */
  disposeAsync(): Promise<void> {
    this.#disposing ??= this.#run();
    return this.#disposing;
  }

  async #run(): Promise<void> {
    this.#disposed = true;
    const errors: unknown[] = [];
    while (this.#stack.length) {
      const { label, dispose } = this.#stack.pop()!;
      try {
        await dispose();
      } catch (e) {
        errors.push(Object.assign(e instanceof Error ? e : new Error(String(e)), { label }));
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} cleanup steps failed`);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.disposeAsync();
  }
}
