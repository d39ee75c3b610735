import type { ReportData, TargetSeries } from '../report-data';

/** A chart of the page: what main.ts's renderCharts draws. */
export interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  series: Array<{ label: string; color: string; values: Array<number | null> }>;
}

/** Shown in place of the target charts when the run directory has no `target.ndjson(.gz)`. */
export const TARGET_NOT_SAMPLED = 'The target was not sampled for this run (no target.ndjson: the external runtime, or a run directory from before target sampling).';

const REASONS = ['#f59e0b', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#ea580c', '#475569'];

/** The target's side (gateway /metrics and Redis, one scrape a second), drawn under the load charts. */
export function targetChartSpecs(d: ReportData): ChartSpec[] {
  const t = d.target as TargetSeries;
  const reasons = Object.keys(t.rejectedByReason);
  const mib = t.redisMemory.map((v) => (v === null ? null : Math.round((v / 2 ** 20) * 100) / 100));
  return [
    {
      id: 'target-queue',
      title: 'Queue depth',
      unit: 'records',
      series: [
        { label: 'waiting', color: '#2563eb', values: t.queued },
        { label: 'processing', color: '#f59e0b', values: t.processing },
      ],
    },
    {
      id: 'target-flow',
      title: 'Accepted vs processed per second',
      unit: 'samples/s',
      series: [
        { label: 'received', color: '#94a3b8', values: t.received },
        { label: 'accepted', color: '#2563eb', values: t.accepted },
        { label: 'processed', color: '#16a34a', values: t.processed },
      ],
    },
    {
      id: 'target-rejections',
      title: 'Rejections per second by reason',
      unit: 'samples/s',
      // no rejection at all: a flat zero line, so "none" is seen rather than an empty box
      series: reasons.length ? reasons.map((r, i) => ({ label: r, color: REASONS[i % REASONS.length], values: t.rejectedByReason[r] })) : [{ label: 'rejected', color: '#dc2626', values: t.accepted.map((v) => (v === null ? null : 0)) }],
    },
    {
      id: 'target-breaker',
      title: 'Circuit breaker (0 closed, 1 half-open, 2 open) and Redis reachable',
      unit: 'state',
      series: [
        { label: 'breaker', color: '#dc2626', values: t.breaker },
        { label: 'redis up', color: '#16a34a', values: t.redisUp },
      ],
    },
    { id: 'target-redis-memory', title: 'Redis memory', unit: 'MiB', series: [{ label: 'used_memory', color: '#7c3aed', values: mib }] },
    { id: 'target-redis-ops', title: 'Redis operations per second', unit: 'ops/s', series: [{ label: 'ops/s', color: '#0891b2', values: t.redisOps }] },
  ];
}
