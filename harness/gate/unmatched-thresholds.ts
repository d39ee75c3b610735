import { parseSubmetricSelector, readSamples, unmatchedThresholdMessage, validateMetricKey, type Tags } from '../../vocabulary';
import { readRunDirFacts, samplesFileOf, summaryThresholds } from '../report';

export interface UnmatchedThreshold {
  /** `http_req_duration{name:POST /telemetry}` */
  key: string;
  /** The threshold expressions on it (`p(95)<200`). */
  sources: string[];
}

/**
 * Thresholds that matched no sample: a metric nothing emitted, or a submetric selector no
 * sample's tags satisfy (`{name:typo}`). k6 evaluates them over an empty sink and passes them
 * (`p(95)<200` of nothing is 0); the harness fails them unless their key is in `optional`.
 * The keys come from summary.json (both engines list every threshold there, submetrics
 * included); the counts from the run's sample stream. A run without either is not judged.
 */
export async function unmatchedThresholds(runDir: string, optional: readonly string[] = []): Promise<UnmatchedThreshold[]> {
  const { summary } = await readRunDirFacts(runDir);
  const file = samplesFileOf(runDir);
  if (!summary || !file) return [];
  const wanted: Array<{ key: string; sources: string[]; metric: string; selector: Array<[string, string]>; n: number }> = [];
  for (const [key, sources] of summaryThresholds(summary)) {
    if (optional.includes(key)) continue;
    const parsed = validateMetricKey(key);
    if (!parsed.ok) continue;
    let selector: Tags = {};
    try {
      if (parsed.key.suffix !== undefined) selector = parseSubmetricSelector(parsed.key.metric, parsed.key.suffix);
    } catch {
      continue; // the engine already rejected such a key
    }
    wanted.push({ key, sources: [...sources.keys()], metric: parsed.key.metric, selector: Object.entries(selector), n: 0 });
  }
  if (wanted.length === 0) return [];
  for await (const rec of readSamples(file)) {
    if (rec.type !== 'Point') continue;
    const s = rec.sample;
    for (const w of wanted) if (w.metric === s.metric && w.selector.every(([k, v]) => s.tags[k] === v)) w.n++;
  }
  return wanted.filter((w) => w.n === 0).map(({ key, sources }) => ({ key, sources }));
}

/** One line per unmatched threshold, naming it and how to mark it optional. */
export function unmatchedMessage(u: readonly UnmatchedThreshold[]): string {
  return u.map((t) => unmatchedThresholdMessage(t.key, t.sources, `if it may be empty, list "${t.key}" in gate.optionalThresholds of harness.config.ts`)).join('\n');
}
