/**
 * `k6/metrics`: Counter, Gauge, Rate, Trend. Metrics are declared in the init context
 * (registered once per test through `options.metrics.getOrCreate`); `add` works in VU code only.
 */
import type { MetricType, ModuleFactory, VUState } from '../types';
import { internalState, now, TagMemo } from '../runtime/vu-state';
import { toTags } from './k6';

export const metricsModule: ModuleFactory = (vu: VUState) => {
  const st = internalState(vu);
  const make = (type: MetricType) =>
    class {
      readonly name: string;
      /** This metric's merged tags: `add(v, sameTags)` in a loop reuses one tags object. */
      readonly #memo = new TagMemo();
      constructor(name: unknown, isTime?: unknown) {
        if (!vu.inInit) throw new Error('metrics must be declared in the init context');
        if (typeof name !== 'string') throw new Error('the metric name must be a string');
        this.name = vu.options.metrics.getOrCreate(name, type, isTime === true ? 'time' : 'default').name;
      }

      add(value: unknown, tags?: unknown): boolean {
        if (vu.inInit) throw new Error('Adding to metrics in the init context is not supported');
        // k6's conversion for every metric type: JavaScript's Number(), with a truthy value that
        // converts to 0 (e.g. '0', []) counted as 1; null, NaN and no value are refused.
        let v = typeof value === 'number' ? value : typeof value === 'boolean' ? (value ? 1 : 0) : NaN;
        if (typeof value !== 'number' && typeof value !== 'boolean' && value !== null && arguments.length > 0) {
          v = Number(value);
          if (v === 0 && value) v = 1;
        }
        if (Number.isNaN(v)) {
          const msg =
            arguments.length === 0
              ? `no value was provided for metric '${this.name}', a number or a boolean value is expected`
              : `'${limitValue(String(value))}' is an invalid value for metric '${this.name}', a number or a boolean value is expected`;
          if (vu.options.throw) throw new Error(msg);
          vu.options.logger.warn(msg);
          return false;
        }
        st.emitWith(this.#memo, this.name, v, tags === undefined ? undefined : toTags(tags), now());
        return true;
      }
    };
  return { Counter: make('counter'), Gauge: make('gauge'), Rate: make('rate'), Trend: make('trend') };
};

/** k6 cuts a long invalid value in its warning to its first and last 50 characters. */
function limitValue(v: string): string {
  const runes = [...v];
  if (runes.length < 100) return v;
  return `${runes.slice(0, 50).join('')}... omitting ${runes.length - 100} characters ...${runes.slice(-50).join('')}`;
}
