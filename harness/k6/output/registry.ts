import { Registry } from '../../../vocabulary';
import type { Output, OutputFactory, OutputParams } from './types';

/** `--out key[=arg]` → `{ key, arg }` (k6 splits at the first `=`). */
export function parseOutputSpec(spec: string): { key: string; arg: string } {
  const i = spec.indexOf('=');
  return i === -1 ? { key: spec.trim(), arg: '' } : { key: spec.slice(0, i).trim(), arg: spec.slice(i + 1) };
}

/**
 * Output types by `--out` key. Registering a key twice throws; an unknown key throws listing the
 * valid ones (`unknown output "x"; valid: json`). Built-ins are added in `builtins.ts`.
 */
export class K6OutputRegistry extends Registry<OutputFactory> {
  constructor() {
    super({ kind: 'output', sorted: true });
  }

  /** Validates without creating (for config validation before anything starts). */
  check(spec: string): string | undefined {
    const { key } = parseOutputSpec(spec);
    return this.has(key) ? undefined : this.unknownMessage(key);
  }

  create(spec: string, params: Omit<OutputParams, 'arg'>): Output {
    const { key, arg } = parseOutputSpec(spec);
    return this.get(key)({ ...params, arg });
  }
}

/**
 * Starts outputs in order; if one fails, stops the ones already started and rethrows the original
 * error (k6 `output.Manager.startOutputs`).
 */
export async function startOutputs(outputs: readonly Output[], onCleanupError?: (e: unknown) => void): Promise<void> {
  for (let i = 0; i < outputs.length; i++) {
    try {
      await outputs[i].start();
    } catch (e) {
      for (let j = i - 1; j >= 0; j--) await outputs[j].stop().catch((err) => onCleanupError?.(err));
      throw e;
    }
  }
}

/** Stops every output (in reverse), continuing past failures; rethrows the first failure at the end. */
export async function stopOutputs(outputs: readonly Output[]): Promise<void> {
  let first: unknown;
  for (let i = outputs.length - 1; i >= 0; i--) {
    try {
      await outputs[i].stop();
    } catch (e) {
      first ??= e;
    }
  }
  if (first !== undefined) throw first;
}
