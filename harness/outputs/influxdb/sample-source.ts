import { closeSync, openSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The seam between this output and the k6 JSON stream. The types are those of the project's one
 * reader (`vocabulary/samples`: `Sample`, `StreamRecord`, `readSamples(path, { follow, signal })`),
 * declared structurally so the output depends only on this interface.
 *
 * TODO(#9): when `vocabulary/samples` is on main, replace `followSamples` below by its
 * `readSamples` and these types by its `Sample`/`StreamRecord` (this file is the only adapter).
 */
export interface StreamSample {
  metric: string;
  /** ms since the epoch (float). */
  time: number;
  value: number;
  tags: Record<string, string>;
}

export type StreamRecord = { type: 'Metric'; metric: { name: string; type: string } } | { type: 'Point'; sample: StreamSample };

/** Reads `path` (the engine may still be writing it) until `signal` aborts, then to its end. */
export type SampleSource = (path: string, opts: { follow: boolean; signal?: AbortSignal }) => AsyncIterable<StreamRecord>;

/** Minimal stand-in for `vocabulary/samples` `readSamples` (see the TODO above). */
export const followSamples: SampleSource = async function* (path, opts) {
  let fd: number | undefined;
  let offset = 0;
  let carry = '';
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    for (let last = false; ; ) {
      if (fd === undefined) {
        try {
          fd = openSync(path, 'r');
        } catch {
          fd = undefined;
        }
      }
      let n = 0;
      if (fd !== undefined) {
        n = readSync(fd, buf, 0, buf.length, offset);
        offset += n;
        if (n > 0) {
          const lines = (carry + buf.toString('utf8', 0, n)).split('\n');
          carry = lines.pop() ?? '';
          for (const l of lines) {
            const r = decode(l);
            if (r) yield r;
          }
          continue;
        }
      }
      if (last || !opts.follow) break;
      if (opts.signal?.aborted) last = true;
      else await sleep(100, undefined, { signal: opts.signal }).catch(() => undefined);
    }
    const r = decode(carry);
    if (r) yield r;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
};

function decode(line: string): StreamRecord | undefined {
  if (!line.trim()) return undefined;
  try {
    const o = JSON.parse(line) as { type?: string; metric?: string; data?: { name?: string; type?: string; time?: string; value?: number; tags?: Record<string, string> | null } };
    if (o.type === 'Metric' && o.data?.name && o.data.type) return { type: 'Metric', metric: { name: o.data.name, type: o.data.type } };
    if (o.type === 'Point' && o.metric && o.data?.time) return { type: 'Point', sample: { metric: o.metric, time: Date.parse(o.data.time) + subMs(o.data.time), value: Number(o.data.value), tags: o.data.tags ?? {} } };
  } catch {
    // a line cut short by a killed engine
  }
  return undefined;
}

/** The digits of an RFC 3339 time below the millisecond (Date.parse drops them). */
function subMs(t: string): number {
  const m = /\.\d{3}(\d+)/.exec(t);
  return m ? Number(`0.${m[1]}`) : 0;
}
