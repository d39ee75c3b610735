import type { TargetRecord, TargetScrape } from './types';

/** The run directory's target file while the run goes on; gzip-compressed into `target.ndjson.gz` when it is over. */
export const TARGET_FILE = 'target.ndjson';

/** Redis fields kept in a record (INFO fields, and `queue_length`: LLEN of the target's queue). */
export const TARGET_REDIS_FIELDS = ['used_memory', 'instantaneous_ops_per_sec', 'connected_clients', 'total_commands_processed', 'blocked_clients', 'rejected_connections', 'queue_length'] as const;

/** Label sets kept per family: a label explosion must not grow the line. */
const MAX_LABEL_SETS = 32;

/**
 * The recorded part of a scrape: the target's own `telemetryhub_*` families (not the Node
 * process defaults `telemetryhub_gateway_*`, not histogram buckets, not HTTP durations: the load
 * side has those), at most 32 label sets each, and the Redis fields. Undefined when neither side
 * answered (nothing to record).
 */
export function targetRecordOf(s: TargetScrape): TargetRecord | undefined {
  const rec: TargetRecord = { t: s.at };
  if (s.gateway) {
    const perFamily = new Map<string, number>();
    const g: NonNullable<TargetRecord['g']> = [];
    for (const p of s.gateway) {
      if (!p.name.startsWith('telemetryhub_') || p.name.startsWith('telemetryhub_gateway_') || p.name === 'telemetryhub_http_request_duration_seconds') continue;
      const seen = perFamily.get(p.name) ?? 0;
      if (seen >= MAX_LABEL_SETS) continue;
      perFamily.set(p.name, seen + 1);
      const l = Object.keys(p.labels).length ? { l: p.labels } : {};
      if ('value' in p.fields) g.push({ n: p.name, ...l, v: p.fields.value });
      else for (const f of ['count', 'sum'] as const) if (f in p.fields) g.push({ n: `${p.name}_${f}`, ...l, v: p.fields[f] });
    }
    rec.g = g;
  }
  if (s.redis) {
    const r: Record<string, number> = {};
    for (const k of TARGET_REDIS_FIELDS) if (Number.isFinite(s.redis[k])) r[k] = s.redis[k];
    rec.r = r;
  }
  return rec.g || rec.r ? rec : undefined;
}

/** One line of the target file (with its newline). */
export function encodeTargetRecord(r: TargetRecord): string {
  return `${JSON.stringify(r)}\n`;
}

/** A line back to a record; undefined for a line a crash cut short or that is not one. */
export function decodeTargetRecord(line: string): TargetRecord | undefined {
  if (!line.trim()) return undefined;
  try {
    const v = JSON.parse(line) as TargetRecord;
    if (!v || typeof v !== 'object' || typeof v.t !== 'number') return undefined;
    if (v.g !== undefined && !Array.isArray(v.g)) return undefined;
    if (v.r !== undefined && (typeof v.r !== 'object' || v.r === null)) return undefined;
    return v;
  } catch {
    return undefined;
  }
}
