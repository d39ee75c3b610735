import { aggregate, compare, parseThreshold, parseThresholdKey, type ParsedThreshold } from './thresholds';
import type { K6Stream } from './k6-stream';
import type { LoadSample } from './load';
import type { FaultWindow } from './schedule';

/** A failed request, in the k6 sense (`http_req_failed`): no response, or 5xx. 4xx like 429 is a fast, promised degradation. */
export function isFailure(s: LoadSample): boolean {
  return s.status === 0 || s.status >= 500;
}

export interface ThresholdResult {
  key: string;
  threshold: string;
  actual: number;
  ok: boolean;
  /** Samples the threshold was computed over. */
  samples: number;
}

/**
 * Evaluates hypothesis thresholds over the phase-tagged k6 stream: the key's metric (or the
 * derived `accepted` = rate of `http_reqs` with status 202), its Points filtered by every
 * `tag:value` of the selector, aggregated as k6 does. A metric absent from the whole stream
 * fails with a note (a typo must not pass silently).
 */
export function evaluateThresholds(stream: K6Stream, thresholds: Record<string, string[]>): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  const present = new Set([...stream.types.keys(), ...stream.points.map((p) => p.metric)]);
  for (const [key, exprs] of Object.entries(thresholds)) {
    const k = parseThresholdKey(key);
    if (typeof k === 'string') throw new Error(k);
    const derived = k.metric === 'accepted';
    const source = derived ? 'http_reqs' : k.metric;
    const matching = stream.points.filter((p) => p.metric === source && k.tags.every(([tag, v]) => p.tags[tag] === v));
    const values = matching.map((p) => (derived ? (p.tags.status === '202' ? 1 : 0) : p.value));
    const type = derived ? 'rate' : stream.types.get(k.metric);
    for (const e of exprs) {
      const t = parseThreshold(e) as ParsedThreshold;
      if (!present.has(source)) {
        out.push({ key, threshold: `${e} (metric "${source}" not in the load's samples)`, actual: Number.NaN, ok: false, samples: 0 });
        continue;
      }
      const actual = aggregate(values, t, type);
      out.push({ key, threshold: e, actual: +actual.toFixed(4), ok: compare(actual, t), samples: values.length });
    }
  }
  return out;
}

export interface RecoveryResult {
  fault: string;
  endedAtMs: number;
  /** ms from the fault's end until the error rate stayed within the SLO; undefined = never. */
  recoveryMs?: number;
}

/**
 * Recovery time per fault: from the fault's end, the first bucket after which every bucket up
 * to the next fault (or the end of the load) has an error rate within `slo`. Buckets with no
 * completed request do not count as recovered (requests may be hanging).
 */
export function recoveryTimes(
  samples: readonly LoadSample[],
  windows: readonly FaultWindow[],
  opts: { slo: number; bucketMs?: number; endMs: number },
): RecoveryResult[] {
  const bucketMs = opts.bucketMs ?? 250;
  const ordered = [...windows].filter((w) => w.endMs !== undefined).sort((a, b) => a.startMs - b.startMs);
  return ordered.map((w, i) => {
    const from = w.endMs!;
    const until = Math.min(opts.endMs, ...ordered.slice(i + 1).map((n) => n.startMs).filter((s) => s >= from), opts.endMs);
    const buckets: Array<{ n: number; failed: number }> = [];
    for (let t = from; t < until; t += bucketMs) buckets.push({ n: 0, failed: 0 });
    // Attribute a request to the bucket in which it completed: that is when the client saw it.
    for (const s of samples) {
      const done = s.t + s.durationMs;
      if (done < from || done >= until) continue;
      const b = buckets[Math.floor((done - from) / bucketMs)];
      if (!b) continue;
      b.n++;
      if (isFailure(s)) b.failed++;
    }
    // Buckets after the last completed request (the load stopped a moment before `until`) say
    // nothing; an empty bucket inside the window still counts as not recovered.
    let last = buckets.length - 1;
    while (last >= 0 && buckets[last].n === 0) last--;
    let recoveredAt: number | undefined;
    for (let j = last; j >= 0; j--) {
      const b = buckets[j];
      const good = b.n > 0 && b.failed / b.n <= opts.slo;
      if (!good) break;
      recoveredAt = j;
    }
    return { fault: w.name, endedAtMs: from, recoveryMs: recoveredAt === undefined ? undefined : recoveredAt * bucketMs };
  });
}
