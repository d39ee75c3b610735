import { gojaStringify } from './goja-json';
import type { SummaryData } from './summary-data';

/**
 * The `--summary-export FILE` document: k6's legacy format (`summary-wrapper.js` oldJSONSummary),
 * derived from handleSummary data: no `options`/`state`; each metric is its `values` plus
 * `thresholds: { source: failed }` (note: true means FAILED); a rate's `rate` is renamed `value`
 * (moved last); groups and checks become objects keyed by name. Serialised as goja does
 * (`JSON.stringify(…, null, 4)` with goja's indentation quirk).
 */
export function summaryExportJson(data: SummaryData): string {
  const results = JSON.parse(JSON.stringify(data)) as Record<string, unknown> & {
    metrics: Record<string, { type: string; values: Record<string, unknown>; thresholds?: Record<string, { ok: boolean }> }>;
    root_group: LegacyGroup;
  };
  delete results.options;
  delete results.state;
  const metrics: Record<string, Record<string, unknown>> = {};
  for (const [name, metric] of Object.entries(results.metrics)) {
    const old = metric.values;
    if (metric.thresholds && Object.keys(metric.thresholds).length > 0) {
      const th: Record<string, boolean> = {};
      for (const [src, t] of Object.entries(metric.thresholds)) th[src] = !t.ok;
      old.thresholds = th;
    }
    if (metric.type === 'rate' && Object.prototype.hasOwnProperty.call(old, 'rate')) {
      old.value = old.rate;
      delete old.rate;
    }
    metrics[name] = old;
  }
  (results as Record<string, unknown>).metrics = metrics;
  results.root_group = transformGroup(results.root_group);
  return gojaStringify(results, 4);
}

interface LegacyGroup {
  groups: LegacyGroup[] | Record<string, LegacyGroup>;
  checks: Array<{ name: string }> | Record<string, unknown>;
  [k: string]: unknown;
}

function transformGroup(group: LegacyGroup): LegacyGroup {
  if (Array.isArray(group.groups)) {
    const list = group.groups;
    const byName: Record<string, LegacyGroup> = {};
    for (const g of list) byName[g.name as string] = transformGroup(g);
    group.groups = byName;
  }
  if (Array.isArray(group.checks)) {
    const list = group.checks;
    const byName: Record<string, unknown> = {};
    for (const c of list) byName[c.name] = c;
    group.checks = byName;
  }
  return group;
}
