/**
 * The end-of-test summary text of k6 v1/v2 (`--summary-mode compact|full`), written from the layout
 * of k6's `internal/js/summary.js` at v2.2.0 (not a port of it):
 *
 *   █ THRESHOLDS                 one block per metric with thresholds: ✓/✗ 'source' stat=value
 *   █ TOTAL RESULTS              checks_total / checks_succeeded / checks_failed, the check
 *                                lines, then the metrics by section: CUSTOM first, then HTTP,
 *                                EXECUTION, NETWORK, GRPC, WEBSOCKET
 *   █ GROUP: name  (full only)   each group's checks, nested groups as `↳ GROUP: name`
 *
 * Every metric line shares one name column (dots to the longest name + 3). Values humanised as
 * in v0.48 (summary-text.ts). Not reproduced: k6's per-scenario sections of `full` (the summary
 * data has no per-scenario metrics) and per-group metrics (only the group's checks).
 */
import type { SummaryCheck, SummaryData, SummaryGroup, SummaryMetric } from './summary-data';
import { compareMetricNames } from './summary-data';
import { humanizeValue, strWidth } from './summary-text';

export type SummaryTextMode = 'compact' | 'full';

const SECTIONS: [string, (name: string) => boolean][] = [
  ['HTTP', (n) => n.startsWith('http_')],
  ['EXECUTION', (n) => ['iteration_duration', 'iterations', 'dropped_iterations', 'vus', 'vus_max'].includes(n)],
  ['NETWORK', (n) => n === 'data_received' || n === 'data_sent'],
  ['GRPC', (n) => n.startsWith('grpc_')],
  ['WEBSOCKET', (n) => n.startsWith('ws_')],
];

interface Style {
  bold(s: string): string;
  color(s: string, code: number, faint?: boolean): string;
}

/** `'\n' + text + '\n'` as k6 v1+ prints it to stdout when the script has no handleSummary. */
export function summaryStdoutV2(data: SummaryData, mode: SummaryTextMode, enableColors: boolean): string {
  return `\n${renderTextSummaryV2(data, mode, enableColors)}\n`;
}

export function renderTextSummaryV2(data: SummaryData, mode: SummaryTextMode, enableColors = false): string {
  const style: Style = enableColors
    ? { bold: (s) => `\x1b[1m${s}\x1b[0m`, color: (s, c, faint) => `\x1b[${faint ? '2;' : ''}${c}m${s}\x1b[0m` }
    : { bold: (s) => s, color: (s) => s };
  const unit = data.options.summaryTimeUnit || null;
  const trendStats = data.options.summaryTrendStats;
  const names = Object.keys(data.metrics).filter((n) => n !== 'checks').sort(compareMetricNames);
  const width = Math.max(0, ...names.map((n) => strWidth(displayName(n))), ...['checks_total', 'checks_succeeded', 'checks_failed'].map((n) => n.length));
  const line = (indent: string, name: string, value: string) =>
    `${indent}${displayName(name)}${style.color(`${'.'.repeat(Math.max(3, width - strWidth(displayName(name)) + 3))}:`, 37, true)} ${value}`;

  const out: string[] = [];
  const title = (indent: string, t: string, prefix = '█') => out.push(`${indent}${prefix} ${style.bold(t)}`, '');

  // THRESHOLDS
  const withThresholds = Object.keys(data.metrics).filter((n) => data.metrics[n]!.thresholds && Object.keys(data.metrics[n]!.thresholds!).length).sort(compareMetricNames);
  if (withThresholds.length) {
    title('  ', 'THRESHOLDS');
    for (const name of withThresholds) {
      const m = data.metrics[name]!;
      out.push(`    ${name}`);
      for (const [source, t] of Object.entries(m.thresholds!)) {
        const mark = t.ok ? style.color('✓', 32) : style.color('✗', 31);
        out.push(`    ${mark} '${source.trim()}' ${thresholdValue(m, source, unit)}`);
      }
      out.push('');
    }
  }

  // TOTAL RESULTS
  title('  ', 'TOTAL RESULTS');
  const checks = data.metrics.checks;
  if (checks) {
    const passes = checks.values.passes ?? 0;
    const fails = checks.values.fails ?? 0;
    const total = passes + fails;
    const secs = data.state.testRunDurationMs / 1000;
    const pct = (n: number) => `${(Math.trunc((total ? n / total : 0) * 10000) / 100).toFixed(2)}%`;
    out.push(line('    ', 'checks_total', `${style.color(String(total), 36)} ${humanizeValue(secs > 0 ? total / secs : 0, { type: 'counter', contains: 'default' })}/s`));
    out.push(line('    ', 'checks_succeeded', `${style.color(pct(passes), 36)} ${passes} out of ${total}`));
    out.push(line('    ', 'checks_failed', `${style.color(pct(fails), 36)} ${fails} out of ${total}`));
    out.push('');
    out.push(...checkLines('    ', allChecks(data.root_group, mode === 'compact'), style));
    out.push('');
  }
  const sections = new Map<string, string[]>([['CUSTOM', []], ...SECTIONS.map(([s]) => [s, []] as [string, string[]])]);
  for (const name of names) {
    const parent = name.split('{', 1)[0]!;
    const section = SECTIONS.find(([, is]) => is(parent))?.[0] ?? 'CUSTOM';
    sections.get(section)!.push(name);
  }
  for (const [section, members] of sections) {
    if (!members.length) continue;
    out.push(`    ${style.bold(section)}`);
    for (const name of members) out.push(line('    ', name, metricValue(data.metrics[name]!, trendStats, unit, style)));
    out.push('');
  }

  // GROUP: sections (full)
  if (mode === 'full') {
    const groupSection = (g: SummaryGroup, indent: string, nested: boolean) => {
      title(indent, `GROUP: ${g.name}`, nested ? '↳' : '█');
      if (g.checks.length) out.push(...checkLines(`${indent}  `, g.checks, style), '');
      for (const sub of g.groups) groupSection(sub, `${indent}  `, true);
    };
    for (const g of data.root_group.groups) groupSection(g, '  ', false);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

/** compact: every check of the test (groups flattened, as k6's compact totals); full: the root's only. */
function allChecks(root: SummaryGroup, flatten: boolean): SummaryCheck[] {
  if (!flatten) return root.checks;
  const out: SummaryCheck[] = [];
  const walk = (g: SummaryGroup) => {
    out.push(...g.checks);
    g.groups.forEach(walk);
  };
  walk(root);
  return out;
}

function checkLines(indent: string, checks: SummaryCheck[], style: Style): string[] {
  return checks.flatMap((c) => {
    if (c.fails === 0) return [`${indent}${style.color(`✓ ${c.name}`, 32)}`];
    const pct = Math.floor((100 * c.passes) / (c.passes + c.fails));
    return [`${indent}${style.color(`✗ ${c.name}`, 31)}`, `${indent}  ${style.color(`↳  ${pct}% — ✓ ${c.passes} / ✗ ${c.fails}`, 31)}`];
  });
}

/** `name{tag:v}` shows as `{ tag:v }` (its parent's line is above it). */
function displayName(name: string): string {
  const i = name.indexOf('{');
  return i < 0 ? name : `  { ${name.slice(i + 1, -1)} }`;
}

function metricValue(m: SummaryMetric, trendStats: readonly string[], unit: string | null, style: Style): string {
  const v = m.values;
  switch (m.type) {
    case 'trend':
      return trendStats.map((s) => `${s}=${style.color(v[s] === undefined ? '-' : s === 'count' ? String(v[s]) : humanizeValue(v[s]!, m, unit), 36)}`).join(' ');
    case 'rate': {
      const total = (v.passes ?? 0) + (v.fails ?? 0);
      return `${style.color(humanizeValue(v.rate ?? 0, m, unit), 36)} ${v.passes ?? 0} out of ${total}`;
    }
    case 'counter':
      return `${style.color(humanizeValue(v.count ?? 0, m, unit), 36)} ${humanizeValue(v.rate ?? 0, m, unit)}/s`;
    default:
      return `${style.color(humanizeValue(v.value ?? 0, m, unit), 36)} min=${humanizeValue(v.min ?? 0, m, unit)} max=${humanizeValue(v.max ?? 0, m, unit)}`;
  }
}

/** The value a threshold was judged on: `p(95)=11.67ms`, `rate=0.00%`, `count=3`. */
function thresholdValue(m: SummaryMetric, source: string, unit: string | null): string {
  const agg = source.split(/[=><!]/)[0]!.trim();
  const v = m.values[agg];
  if (v === undefined) return '';
  return `${agg}=${agg === 'count' ? String(v) : humanizeValue(v, m, unit)}`;
}
