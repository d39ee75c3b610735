/**
 * k6's machine-readable summary (schema 1.0.0 of grafana/k6-summary), opt-in in every release
 * that has it (k6 v1.4.2 .. v2.2): `--new-machine-readable-summary` or
 * `K6_NEW_MACHINE_READABLE_SUMMARY=true`. It is then what `handleSummary(data)` receives and what
 * `--summary-export` writes (`JSON.stringify(data, null, 4)`); the text summary is unchanged.
 * Written from k6 v2.2.0's `internal/lib/summary/machine_readable.go` and the generated types
 * (`machinereadable/types_gen.go`), not a port.
 *
 * k6 hands the Go struct to JavaScript through its field-name mapper, which snake-cases field
 * names that have no `js` tag: so the keys a script (and the export) sees are `generated_at`,
 * `k6_version`, `p90`, `p95` — not the schema's JSON tags (`generatedAt`, `p(90)`) — and an absent
 * trend value is `null`, not omitted. Keys are in the Go structs' field order. Metrics are those
 * of the total results (so compact mode lacks the `http_req_*` timings it hides), section by
 * section (k6's order within a section is Go map order; here by name).
 */
import { rfc3339Nano } from '../../../vocabulary';
import { gojaStringify } from './goja-json';
import { REPORT_SECTIONS, type ReportMetric, type SummaryReport } from './summary-report';

export const MACHINE_READABLE_SCHEMA_VERSION = '1.0.0';

type TrendKey = 'avg' | 'max' | 'med' | 'min' | 'p90' | 'p95';

export interface MachineReadableMetric {
  contains: 'default' | 'time' | 'data';
  name: string;
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  values: { count: number } | { max: number; min: number; value: number } | { matches: number; rate: number; total: number } | Record<TrendKey, number | null>;
}

export interface MachineReadableSummary {
  config: { duration: number; execution: 'local' | 'cloud'; script: string | null };
  metadata: { generated_at: string; k6_version: string };
  results: {
    checks: { metrics: MachineReadableMetric[]; results: { fails: number; name: string; passes: number }[] };
    metrics: MachineReadableMetric[];
  };
  version: string;
}

export interface MachineReadableMeta {
  /** The script's source text (k6 puts the whole test source here). */
  script: string;
  /** k6's own version without the `v` (k6: build.Version). */
  k6Version: string;
  testRunDurationMs: number;
  /** ms since the epoch (k6: time.Now() when the summary is built). */
  generatedAtMs: number;
}

export function buildMachineReadableSummary(report: SummaryReport, meta: MachineReadableMeta): MachineReadableSummary {
  const metrics: MachineReadableMetric[] = [];
  for (const section of REPORT_SECTIONS) {
    const s = report.metrics[section];
    for (const name of Object.keys(s).sort()) metrics.push(machineReadableMetric(s[name]!));
  }
  const c = report.checks;
  return {
    config: { duration: meta.testRunDurationMs / 1000, execution: 'local', script: meta.script },
    metadata: { generated_at: rfc3339Nano(meta.generatedAtMs), k6_version: meta.k6Version },
    results: {
      checks: {
        // k6's order: total, failed, succeeded
        metrics: c ? [c.metrics.checks_total, c.metrics.checks_failed, c.metrics.checks_succeeded].map(machineReadableMetric) : [],
        results: c ? c.ordered_checks.map((x) => ({ fails: x.fails, name: x.name, passes: x.passes })) : [],
      },
      metrics,
    },
    version: MACHINE_READABLE_SCHEMA_VERSION,
  };
}

function machineReadableMetric(m: ReportMetric): MachineReadableMetric {
  const v = m.values;
  let values: MachineReadableMetric['values'];
  switch (m.type) {
    case 'counter':
      values = { count: v.count ?? 0 };
      break;
    case 'gauge':
      values = { max: v.max ?? 0, min: v.min ?? 0, value: v.value ?? 0 };
      break;
    case 'rate':
      // Go truncates the float counts to int64
      values = { matches: Math.trunc(v.passes ?? 0), rate: v.rate ?? 0, total: Math.trunc((v.passes ?? 0) + (v.fails ?? 0)) };
      break;
    case 'trend':
      values = { avg: v.avg ?? null, max: v.max ?? null, med: v.med ?? null, min: v.min ?? null, p90: v['p(90)'] ?? null, p95: v['p(95)'] ?? null };
      break;
  }
  return { contains: m.contains, name: m.name, type: m.type, values };
}

/** `--summary-export` with the machine-readable summary: `JSON.stringify(data, null, 4)` in goja. */
export function machineReadableJson(s: MachineReadableSummary): string {
  return gojaStringify(s, 4);
}
