import { parseSubmetricSelector, validateMetricKey, type Tags } from '../../vocabulary';
import { GATE_SERIES_TOLERANCES, type GateSeriesTolerances, type GateTolerances } from '../config';
import type { RunProfile, SeriesProfile } from './run-profile';

/** A user-written gate entry that selected nothing: a `gate.series` key or a `gate.latencyMetrics` name. */
export interface UnmatchedGateEntry {
  /** Where it is written: `gate.series` (a key) or `gate.latencyMetrics` (a metric name). */
  in: 'gate.series' | 'gate.latencyMetrics';
  /** `http_req_duration{name:GET /helth}`, `http_req_duraton` */
  key: string;
  /** What the baseline has instead (the metric's tag sets, or its trend metrics), for the message. */
  has: string[];
  /** The entry selects series, but none of them is judged by these fields of it (`checksTolerance` on a latency). */
  unused?: string[];
}

interface Entry {
  key: string;
  metric: string;
  selector: Array<[string, string]>;
  tolerances: GateSeriesTolerances;
}

/**
 * `gate.series` resolved against series: the tolerances a (metric, tag set) is judged with (the
 * most specific matching key wins, over the defaults), and the entries that matched nothing the
 * gate compares (no silent passes: a typo in a key fails the gate unless the entry is optional).
 * Keys use k6's threshold key syntax and the vocabulary's parser; a key selects the series whose
 * metric is its metric and whose tags include its selector (`http_req_duration` selects the whole
 * metric and every endpoint of it).
 */
export class SeriesTolerances {
  readonly #entries: Entry[] = [];

  constructor(readonly base: GateTolerances) {
    for (const [key, tolerances] of Object.entries(base.series ?? {})) {
      const parsed = validateMetricKey(key);
      if (!parsed.ok) continue; // rejected where the config is read
      let selector: Tags = {};
      try {
        if (parsed.key.suffix !== undefined) selector = parseSubmetricSelector(parsed.key.metric, parsed.key.suffix);
      } catch {
        continue;
      }
      this.#entries.push({ key, metric: parsed.key.metric, selector: Object.entries(selector), tolerances });
    }
    // most specific first; among equals, the first written
    this.#entries.sort((a, b) => b.selector.length - a.selector.length);
  }

  /** The tolerances a series is judged with. */
  for(s: Pick<SeriesProfile, 'metric' | 'tags'>): GateTolerances {
    const e = this.#entries.find((x) => matches(x, s));
    if (!e) return this.base;
    const out: GateTolerances = { ...this.base };
    for (const k of GATE_SERIES_TOLERANCES) if (e.tolerances[k] !== undefined) out[k] = e.tolerances[k]!;
    return out;
  }

  /** Entries (not optional) that select no series of the baseline the gate compares. */
  unmatched(baseline: readonly RunProfile[]): UnmatchedGateEntry[] {
    const all = baseline.flatMap((b) => b.series);
    const compared = all.filter((s) => isCompared(s, this.base));
    const out: UnmatchedGateEntry[] = [];
    for (const e of this.#entries) {
      if (e.tolerances.optional) continue;
      const selected = compared.filter((s) => matches(e, s));
      if (selected.length) {
        const unused = GATE_SERIES_TOLERANCES.filter((k) => e.tolerances[k] !== undefined && !selected.some((s) => judgedBy(s, this.base) === k));
        if (unused.length) out.push({ in: 'gate.series', key: e.key, has: [...new Set(selected.map((s) => keyText(s)))], unused });
        continue;
      }
      const has = [...new Set(compared.filter((s) => s.metric === e.metric).map((s) => keyText(s)))];
      out.push({ in: 'gate.series', key: e.key, has: has.length ? has : [...new Set(compared.map((s) => s.metric))] });
    }
    const optional = new Set(this.#entries.filter((e) => e.tolerances.optional && e.selector.length === 0).map((e) => e.metric));
    const trends = [...new Set(all.filter((s) => s.kind === 'trend').map((s) => s.metric))];
    for (const m of this.base.latencyMetrics) {
      if (!optional.has(m) && !trends.includes(m)) out.push({ in: 'gate.latencyMetrics', key: m, has: trends });
    }
    return out;
  }
}

/** Whether the gate compares a series (and so whether a `gate.series` key selecting it does anything). */
export function isCompared(s: Pick<SeriesProfile, 'metric' | 'kind'>, tol: GateTolerances): boolean {
  return judgedBy(s, tol) !== undefined;
}

/** The tolerance field a compared series is judged with (compareRuns' cases). */
function judgedBy(s: Pick<SeriesProfile, 'metric' | 'kind'>, tol: GateTolerances): (typeof GATE_SERIES_TOLERANCES)[number] | undefined {
  if (s.kind === 'trend' && tol.latencyMetrics.includes(s.metric)) return 'latencyTolerance';
  if (s.metric === 'http_reqs' && s.kind === 'counter') return 'throughputTolerance';
  if (s.metric === 'http_req_failed' && s.kind === 'rate') return 'errorRateTolerance';
  if (s.metric === 'checks' && s.kind === 'rate') return 'checksTolerance';
  return undefined;
}

/** One line per unmatched entry, naming it, what the baseline has, and how to mark it optional. */
export function unmatchedGateMessage(u: readonly UnmatchedGateEntry[], baselineName: string): string {
  const list = (has: string[]) => (has.length ? `; it has ${has.slice(0, 8).join(', ')}${has.length > 8 ? `, … (${has.length - 8} more)` : ''}` : '');
  return u
    .map((x) =>
      x.unused
        ? `gate.series[${JSON.stringify(x.key)}] sets ${x.unused.join(', ')}, which no series it selects in baseline "${baselineName}" is judged by (it selects ${x.has.slice(0, 8).join(', ')}): a field on the wrong key?`
        : x.in === 'gate.series'
        ? `gate.series[${JSON.stringify(x.key)}] matched no series of baseline "${baselineName}": a typo in the metric or tag?${list(x.has)} (if it may be empty, give it optional: true)`
        : `gate.latencyMetrics entry ${JSON.stringify(x.key)} matched no trend metric of baseline "${baselineName}"${list(x.has)} (remove it, or mark it optional: gate.series[${JSON.stringify(x.key)}] = { optional: true })`,
    )
    .join('\n');
}

function matches(e: Entry, s: Pick<SeriesProfile, 'metric' | 'tags'>): boolean {
  return e.metric === s.metric && e.selector.every(([k, v]) => s.tags[k] === v);
}

function keyText(s: Pick<SeriesProfile, 'metric' | 'tags'>): string {
  const t = Object.entries(s.tags).map(([k, v]) => `${k}:${v}`);
  return t.length ? `${s.metric}{${t.join(',')}}` : s.metric;
}
