import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { PromPoint } from '../../vocabulary';

/**
 * The one reader of Prometheus text in the harness: one point per family and label set, `value`
 * for counters, gauges and untyped; `count` and `sum` for histograms and summaries (buckets and
 * quantiles left out). parse-prometheus-text-format flattens a histogram or summary as if only
 * `le`/`quantile` labelled it (a labelled one loses its `_sum`/`_count`), so their `# TYPE` lines
 * are taken out first: the parser then reads `x_sum` and `x_count` as plain families, joined back here.
 */
export function prometheusPoints(text: string): PromPoint[] {
  const aggregates = new Set<string>();
  const lines = text.split('\n');
  for (const l of lines) {
    const m = /^#\s+TYPE\s+(\S+)\s+(histogram|summary)\b/.exec(l);
    if (m) aggregates.add(m[1]);
  }
  const plain = lines.filter((l) => {
    const m = /^#\s+(?:TYPE|HELP)\s+(\S+)/.exec(l);
    return !(m && aggregates.has(m[1]));
  });
  const out = new Map<string, PromPoint>();
  // the parser emits a family at the next line: the text must end with a newline
  for (const fam of parsePrometheusTextFormat(`${plain.join('\n').trimEnd()}\n`)) {
    const agg = /^(.*)_(sum|count|bucket)$/.exec(fam.name);
    const base = agg && aggregates.has(agg[1]) ? agg[1] : undefined;
    if (aggregates.has(fam.name) || (base && agg![2] === 'bucket')) continue; // quantiles, buckets
    for (const m of fam.metrics) {
      if (m.value === undefined) continue;
      const labels = m.labels ?? {};
      const name = base ?? fam.name;
      const key = `${name}\u0000${JSON.stringify(Object.entries(labels).sort())}`;
      let p = out.get(key);
      if (!p) out.set(key, (p = { name, labels, fields: {} }));
      p.fields[base ? agg![2] : 'value'] = Number(m.value);
    }
  }
  return [...out.values()];
}
