import type { TargetScrape } from '../../../vocabulary';
import { encodeLine, msToNs, type FieldValue } from './line-protocol';

/**
 * A scrape of the run's target sampler (harness/target-sampling, shared with the run directory's
 * `target.ndjson`) as points tagged `run_id`, `testid` and `source` (`gateway` | `redis`):
 * measurement = the Prometheus family name with field `value` (histograms and summaries: `count`
 * and `sum`, no buckets); Redis: measurement `redis` with its INFO fields and `queue_length`.
 */
export function targetLines(s: TargetScrape, tags: Record<string, string>): string[] {
  const ts = msToNs(s.at);
  const out: string[] = [];
  for (const p of s.gateway ?? []) {
    const line = encodeLine(p.name, { ...p.labels, ...tags, source: 'gateway' }, p.fields, ts);
    if (line) out.push(line);
  }
  if (s.redis) {
    const fields: Record<string, FieldValue> = { ...s.redis };
    const line = encodeLine('redis', { ...tags, source: 'redis' }, fields, ts);
    if (line) out.push(line);
  }
  return out;
}
