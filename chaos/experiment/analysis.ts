import { parseThresholdsConfig, SampleMetrics, ThresholdsEvaluator, validateMetricKey, type MetricType } from '../../vocabulary';
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
 * Evaluates hypothesis thresholds over the phase-tagged k6 stream with the engine's own
 * evaluator and sinks (vocabulary/thresholds, full k6 grammar and arithmetic): the key's metric
 * (or the derived `accepted` = rate of `http_reqs` with status 202), its Points selected by every
 * `tag:value` of the key, aggregated as k6 does; a counter's `rate` is per second of `elapsedMs`
 * (default: the stream's span). A metric absent from the whole stream, or an aggregation its type
 * does not have, fails with a note (a typo must not pass silently); a selector no Point matched
 * is not failed (k6 skips thresholds without samples).
 */
export function evaluateThresholds(stream: K6Stream, thresholds: Record<string, string[]>, elapsedMs?: number): ThresholdResult[] {
  const { config, problems } = parseThresholdsConfig(thresholds);
  if (problems.length) throw new Error(problems.join('; '));
  const present = new Set([...stream.types.keys(), ...stream.points.map((p) => p.metric)]);
  const metrics = new SampleMetrics();
  for (const m of present) metrics.define(m, (stream.types.get(m) as MetricType | undefined) ?? 'trend');
  metrics.define(ACCEPTED, 'rate');
  const sourceOf = (key: string) => {
    const k = validateMetricKey(key);
    if (!k.ok) throw new Error(k.error);
    return k.key.metric === ACCEPTED ? 'http_reqs' : k.key.metric;
  };
  // one evaluator per key: results stay in the order written even when two keys select the same submetric
  const bound = config.entries.map((entry) => ({ entry, evaluator: present.has(sourceOf(entry.key)) ? new ThresholdsEvaluator({ entries: [entry] }, metrics) : undefined }));
  let lastT = 0;
  for (const p of stream.points) {
    metrics.add(p);
    if (p.metric === 'http_reqs') metrics.add({ metric: ACCEPTED, value: p.tags.status === '202' ? 1 : 0, tags: p.tags });
    if (p.time > lastT) lastT = p.time;
  }
  const out: ThresholdResult[] = [];
  for (const { entry, evaluator } of bound) {
    if (!evaluator) {
      for (const t of entry.thresholds) out.push({ key: entry.key, threshold: `${t.source} (metric "${sourceOf(entry.key)}" not in the load's samples)`, actual: Number.NaN, ok: false, samples: 0 });
      continue;
    }
    const samples = metrics.samples(entry.key);
    const run = evaluator.evaluate(elapsedMs ?? lastT, { final: true });
    const error = samples > 0 ? run.errors[0]?.message : undefined;
    for (const o of evaluator.outcomes()) {
      if (error !== undefined) out.push({ key: entry.key, threshold: `${o.source} (${error})`, actual: Number.NaN, ok: false, samples });
      else out.push({ key: entry.key, threshold: o.source, actual: o.value === undefined ? Number.NaN : +o.value.toFixed(4), ok: o.ok, samples });
    }
  }
  return out;
}

/** Derived from `http_reqs`: a rate of responses with status 202 (accepted for processing). */
const ACCEPTED = 'accepted';

export interface RecoveryResult {
  fault: string;
  endedAtMs: number;
  /** ms from the fault's end until the error rate stayed within the SLO; undefined = never. */
  recoveryMs?: number;
}

/**
 * Recovery time per fault: from the fault's end, the first bucket after which every bucket up
 * to the next fault (or the end of the load) has an error rate within `slo`; requests count in
 * the bucket in which they completed (when the client saw them).
 *
 * A bucket in which no request completed has no error rate. It is neutral when nothing that
 * failed was in flight at its end: the load generator offered nothing for a moment (a CPU stall
 * of the engine on a busy machine; one 250 ms stall counted as 5.5 s of "not recovered" in a
 * docker game-day). It is bad when a request that eventually failed (a hang ending in a timeout
 * or reset, even one ending after the window) was unanswered at its end: the target was hanging.
 * The recovery point itself is always a bucket with completed requests, all within the SLO.
 */
export function recoveryTimes(
  samples: readonly LoadSample[],
  windows: readonly FaultWindow[],
  opts: { slo: number; bucketMs?: number; endMs: number },
): RecoveryResult[] {
  const bucketMs = opts.bucketMs ?? 250;
  const ordered = [...windows].filter((w) => w.endMs !== undefined).sort((a, b) => a.startMs - b.startMs);
  const failures = samples.filter(isFailure);
  return ordered.map((w, i) => {
    const from = w.endMs!;
    const until = Math.min(opts.endMs, ...ordered.slice(i + 1).map((n) => n.startMs).filter((s) => s >= from), opts.endMs);
    const buckets: Array<{ n: number; failed: number; hung: boolean }> = [];
    for (let t = from; t < until; t += bucketMs) buckets.push({ n: 0, failed: 0, hung: false });
    for (const s of samples) {
      const done = s.t + s.durationMs;
      if (done < from || done >= until) continue;
      const b = buckets[Math.floor((done - from) / bucketMs)];
      if (!b) continue;
      b.n++;
      if (isFailure(s)) b.failed++;
    }
    buckets.forEach((b, j) => {
      const bEnd = from + (j + 1) * bucketMs;
      // Sent by the bucket's end, still unanswered at it, and failed in the end.
      b.hung = b.n === 0 && failures.some((f) => f.t < bEnd && f.t + f.durationMs >= bEnd);
    });
    const good = (b: (typeof buckets)[number]) => (b.n > 0 ? b.failed / b.n <= opts.slo : !b.hung);
    // Buckets after the last completed request (the load stopped a moment before `until`) say nothing.
    let last = buckets.length - 1;
    while (last >= 0 && buckets[last].n === 0) last--;
    let recoveredAt: number | undefined;
    for (let j = last; j >= 0; j--) {
      if (!good(buckets[j])) break;
      if (buckets[j].n > 0) recoveredAt = j;
    }
    return { fault: w.name, endedAtMs: from, recoveryMs: recoveredAt === undefined ? undefined : recoveredAt * bucketMs };
  });
}
