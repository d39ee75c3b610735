import { CounterSink, GaugeSink, RateSink, TrendSink, type AnySink } from './sinks';

/**
 * What a sink gained since the last look, in a form that merges exactly into another sink of the
 * same type (`harness run --runners N`: each runner ships these, the harness adds them up):
 * - counter: the sum added; rate: passes and total added; gauge: last value, min and max so far;
 * - trend: the values added themselves (base64 of their float64 bytes), so percentiles over the
 *   merged sink are computed from every value, exactly as one process would, never averaged.
 */
export type SinkDelta =
  | { type: 'counter'; sum: number }
  | { type: 'rate'; trues: number; total: number }
  | { type: 'gauge'; value: number; min: number; max: number }
  | { type: 'trend'; values: string };

/** Where the last delta of one sink ended (keep one per sink). */
export interface SinkCursor {
  n: number;
  sum: number;
  trues: number;
}

export function newSinkCursor(): SinkCursor {
  return { n: 0, sum: 0, trues: 0 };
}

/** The sink's gain since `c` (advanced), or undefined when it gained nothing. */
export function takeSinkDelta(sink: AnySink, c: SinkCursor): SinkDelta | undefined {
  switch (sink.type) {
    case 'counter': {
      if (sink.isEmpty() || (sink.value === c.sum && c.n > 0)) return undefined;
      const d = { type: 'counter' as const, sum: sink.value - c.sum };
      c.sum = sink.value;
      c.n = 1;
      return d;
    }
    case 'rate': {
      if (sink.total === c.n) return undefined;
      const d = { type: 'rate' as const, trues: sink.trues - c.trues, total: sink.total - c.n };
      c.n = sink.total;
      c.trues = sink.trues;
      return d;
    }
    case 'gauge':
      if (sink.isEmpty()) return undefined;
      return { type: 'gauge', value: sink.value, min: sink.min, max: sink.max };
    case 'trend': {
      const added = sink.valuesSince(c.n);
      if (added.length === 0) return undefined;
      c.n += added.length;
      return { type: 'trend', values: Buffer.from(added.buffer, added.byteOffset, added.byteLength).toString('base64') };
    }
  }
}

/** Adds a delta taken from a sink of the same type. */
export function applySinkDelta(sink: AnySink, d: SinkDelta): void {
  if (sink.type !== d.type) throw new Error(`sink delta of type ${d.type} for a ${sink.type} sink`);
  if (sink instanceof CounterSink && d.type === 'counter') sink.add(d.sum);
  else if (sink instanceof RateSink && d.type === 'rate') {
    sink.trues += d.trues;
    sink.total += d.total;
  } else if (sink instanceof GaugeSink && d.type === 'gauge') {
    sink.add(d.min);
    sink.add(d.max);
    sink.add(d.value);
  } else if (sink instanceof TrendSink && d.type === 'trend') {
    const bytes = Buffer.from(d.values, 'base64');
    // copied: the decoded bytes need not be 8-aligned
    const values = new Float64Array(bytes.byteLength / 8);
    new Uint8Array(values.buffer).set(bytes);
    sink.addAll(values);
  }
}
