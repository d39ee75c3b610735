/**
 * The end-of-test summary text of k6 v1/v2 (`--summary-mode compact|full`, compact the default),
 * written from k6 v2.2.0's `internal/js/summary.js` (its algorithm, not its code). The input is
 * the SummaryReport (summary-report.ts). Sections, each `title, content, blank line`:
 *
 *   █ THRESHOLDS            metrics with thresholds (a submetric under its parent as `{tag:v}`),
 *                           `✓ 'source' agg=value` lines
 *   █ TOTAL RESULTS         checks_total / checks_succeeded / checks_failed, every check of the
 *                           test, then the metrics: CUSTOM first, then HTTP, EXECUTION, NETWORK,
 *                           BROWSER, WEB_VITALS, GRPC, WEBSOCKET
 *   █ GROUP: g              (full) the group's checks and metrics; subgroups as `↳ GROUP: s`
 *   █ SCENARIO: s           (full) per scenario other than `default`, sorted by name
 *
 * Layout rules reproduced from k6: a title line ends with a space; names are dotted to the
 * widest name of the same block (each block computes its own width: k6's cross-section
 * "global" width evaluates to NaN and falls back to it, unless the report has exactly one metric,
 * when no dots are printed); trend columns and the first value of non-trend metrics are padded
 * to the block's widest (so lines can end with spaces); a failed check's detail line is indented
 * by the check's level twice plus one.
 */
import { humanizeValue, strWidth } from './summary-text';
import { compareMetricNames } from './summary-data';
import type { ReportChecks, ReportGroup, ReportMetric, ReportMetrics, SummaryReport } from './summary-report';

export interface TextSummaryV2Options {
  enableColors: boolean;
  summaryTrendStats: readonly string[];
  /** '' or null: automatic units. */
  summaryTimeUnit?: string | null;
}

/** What k6 v1+ writes to stdout when the script has no handleSummary: `'\n' + text + '\n\n'`. */
export function summaryStdoutV2(report: SummaryReport, opts: TextSummaryV2Options): string {
  return `\n${renderTextSummaryV2(report, opts)}\n\n`;
}

const COLORS = { red: '31', green: '32', cyan: '36', white: '37' } as const;
type Color = keyof typeof COLORS;

class Formatter {
  constructor(private readonly colors: boolean) {}
  decorate(text: string, color: Color, faint = false): string {
    if (!this.colors) return text;
    return `\x1b[${faint ? '2;' : ''}${COLORS[color]}m${text}\x1b[0m`;
  }
  bold(text: string): string {
    return this.colors ? `\x1b[1m${text}\x1b[0m` : text;
  }
}

/** Indentation: two spaces per level, relative to a base level (k6's RenderContext). */
class Ctx {
  constructor(readonly base = 0) {}
  pad(level = 1): string {
    return ' '.repeat((this.base + level) * 2);
  }
  indent(text: string, level = 1): string {
    return this.pad(level) + text;
  }
  inner(by = 1): Ctx {
    return new Ctx(this.base + by);
  }
}

/** Per-block column widths and rendered values (k6 `computeSummaryInfo`). */
interface BlockInfo {
  maxNameWidth: number;
  /** A metrics block of a report with exactly one metric: k6 then prints no dots (see the file comment). */
  noDots: boolean;
  trendCols: Map<string, string[]>;
  trendKeys: Map<string, Record<string, string>>;
  trendColMax: number[];
  nonTrendValue: Map<string, string>;
  nonTrendExtras: Map<string, string[]>;
  maxNonTrendValue: number;
  extraMax: number[];
}

const SEP = '\n';

export function renderTextSummaryV2(report: SummaryReport, opts: TextSummaryV2Options): string {
  const fmt = new Formatter(opts.enableColors);
  const unit = opts.summaryTimeUnit ?? null;
  const stats = opts.summaryTrendStats;
  const root = new Ctx(0);
  const allNames = new Set<string>();
  const collect = (m: ReportMetrics) => Object.values(m).forEach((s) => Object.keys(s).forEach((n) => allNames.add(n)));
  collect(report.metrics);
  const walk = (gs: Record<string, ReportGroup>) =>
    Object.values(gs).forEach((g) => {
      collect(g.metrics);
      walk(g.groups);
    });
  walk(report.groups);
  walk(report.scenarios);
  const noDots = allNames.size === 1;

  // `metricsBlock`: the metrics of the totals, a group or a scenario (k6 passes its "global" width only there)
  const info = (metrics: Record<string, ReportMetric>, ctx: Ctx, metricsBlock = false): BlockInfo => {
    const b: BlockInfo = { maxNameWidth: 0, noDots: metricsBlock && noDots, trendCols: new Map(), trendKeys: new Map(), trendColMax: stats.map(() => 0), nonTrendValue: new Map(), nonTrendExtras: new Map(), maxNonTrendValue: 0, extraMax: [] };
    for (const name of sortNames(Object.keys(metrics))) {
      const m = metrics[name]!;
      b.maxNameWidth = Math.max(b.maxNameWidth, strWidth(ctx.indent(displayName(name))));
      if (m.type === 'trend') {
        const keys: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.values)) if (!stats.includes(k)) keys[k] = trendValue(v, k, m, unit);
        const cols = stats.map((s) => trendValue(m.values[s], s, m, unit));
        cols.forEach((c, i) => (b.trendColMax[i] = Math.max(b.trendColMax[i]!, strWidth(c))));
        b.trendCols.set(name, cols);
        b.trendKeys.set(name, keys);
      } else {
        const [main, ...extras] = nonTrendValues(m, unit);
        b.nonTrendValue.set(name, main!);
        b.maxNonTrendValue = Math.max(b.maxNonTrendValue, strWidth(main!));
        b.nonTrendExtras.set(name, extras);
        extras.forEach((e, i) => (b.extraMax[i] = Math.max(b.extraMax[i] ?? 0, strWidth(e))));
      }
    }
    return b;
  };

  const metricLine = (name: string, m: ReportMetric, b: BlockInfo, ctx: Ctx): string => {
    const shown = displayName(name);
    const dots = b.noDots ? 0 : Math.max(3, b.maxNameWidth - (strWidth(shown) + strWidth(ctx.pad())) + 3);
    const dotted = shown + fmt.decorate(`${'.'.repeat(dots)}:`, 'white', true);
    let data: string;
    if (m.type === 'trend') {
      data = b.trendCols
        .get(name)!
        .map((col, i) => `${stats[i]}=${fmt.decorate(col, 'cyan')}${' '.repeat(b.trendColMax[i]! - strWidth(col))}`)
        .join(' ');
    } else {
      const value = b.nonTrendValue.get(name)!;
      const extras = b.nonTrendExtras.get(name) ?? [];
      data = fmt.decorate(value, 'cyan') + ' '.repeat(b.maxNonTrendValue - strWidth(value));
      if (extras.length === 1) data += ` ${fmt.decorate(extras[0]!, 'cyan', true)}`;
      else if (extras.length > 1) data += ` ${extras.map((e, i) => fmt.decorate(e, 'cyan', true) + ' '.repeat(b.extraMax[i]! - strWidth(e))).join(' ')}`;
    }
    return ctx.indent(`${dotted} ${data}`);
  };

  const metricLines = (metrics: Record<string, ReportMetric>, b: BlockInfo, ctx: Ctx, sort: boolean): string[] =>
    (sort ? sortNames(Object.keys(metrics)) : Object.keys(metrics)).map((n) => metricLine(n, metrics[n]!, b, ctx));

  const checkLines = (checks: ReportChecks | undefined, ctx: Ctx): string[] => {
    if (!checks) return [];
    const c = ctx.inner(1);
    const rendered = checks.ordered_checks.map((check) => {
      if (check.fails === 0) return c.indent(fmt.decorate(`✓ ${check.name}`, 'green'));
      const pct = Math.floor((100 * check.passes) / (check.passes + check.fails));
      return `${c.indent(fmt.decorate(`✗ ${check.name}`, 'red'))}\n${c.indent(fmt.decorate(`↳  ${pct}% — ✓ ${check.passes} / ✗ ${check.fails}`, 'red'), c.base + 1)}`;
    });
    const metrics = checks.metrics as unknown as Record<string, ReportMetric>;
    return [...metricLines(metrics, info(metrics, c), c, false), SEP, ...rendered, SEP];
  };

  const sectionLines = (metrics: ReportMetrics, ctx: Ctx): string[] => {
    const c = ctx.inner(1);
    const all: Record<string, ReportMetric> = Object.assign({}, ...Object.values(metrics));
    const b = info(all, c, true);
    const sections = Object.entries(metrics).filter(([, s]) => Object.keys(s).length > 0);
    const ordered = [...sections.filter(([n]) => n === 'custom'), ...sections.filter(([n]) => n !== 'custom')];
    return ordered.flatMap(([name, s]) => [c.indent(fmt.bold(name.toUpperCase())), ...metricLines(s, b, c, true), SEP]);
  };

  const title = (t: string, ctx: Ctx, prefix = '█') => ctx.indent(`${prefix} ${fmt.bold(t)} ${SEP}`);

  const groupContent = (g: ReportGroup, ctx: Ctx): string[] => [
    ...checkLines(g.checks, ctx),
    ...sectionLines(g.metrics, ctx),
    ...Object.entries(g.groups).flatMap(([name, sub]) => [title(`GROUP: ${name}`, ctx.inner(1), '↳'), ...groupContent(sub, ctx.inner(1))]),
  ];

  const sections: { title: string; content: string[] }[] = [];
  if (Object.keys(report.thresholds).length) sections.push({ title: 'THRESHOLDS', content: thresholdLines(report, fmt, root.inner(1), stats, unit, info) });
  sections.push({ title: 'TOTAL RESULTS', content: [...checkLines(report.checks, root), ...sectionLines(report.metrics, root)] });
  for (const [name, g] of Object.entries(report.groups)) sections.push({ title: `GROUP: ${name}`, content: groupContent(g, root) });
  for (const name of Object.keys(report.scenarios).sort(collate)) sections.push({ title: `SCENARIO: ${name}`, content: groupContent(report.scenarios[name]!, root) });

  // k6 joins the pieces with '\n' before each, except that a bare '\n' piece is appended as is
  return sections
    .flatMap((s) => [title(s.title, root), ...s.content, SEP])
    .reduce((acc, piece) => (piece === SEP ? acc + piece : `${acc}\n${piece}`), '');
}

function thresholdLines(
  report: SummaryReport,
  fmt: Formatter,
  ctx: Ctx,
  stats: readonly string[],
  unit: string | null,
  info: (m: Record<string, ReportMetric>, c: Ctx) => BlockInfo,
): string[] {
  const metrics: Record<string, ReportMetric> = {};
  for (const t of Object.values(report.thresholds)) metrics[t.metric.name] = t.metric;
  const b = info(metrics, ctx);
  const out: string[] = [];
  for (const name of sortNames(Object.keys(metrics))) {
    const parent = name.split('{', 1)[0]!;
    const isSub = name.length > parent.length;
    const underParent = isSub && metrics[parent] !== undefined;
    const c = underParent ? ctx.inner() : ctx;
    out.push(c.indent(underParent ? name.slice(parent.length) : name));
    const m = metrics[name]!;
    for (const t of report.thresholds[name]!.thresholds) {
      const agg = t.source.split(/[=><]/)[0]!.trim();
      let value: string | undefined;
      if (m.type === 'trend') {
        const i = stats.indexOf(agg);
        value = i !== -1 ? b.trendCols.get(name)?.[i] : b.trendKeys.get(name)?.[agg];
      } else if (m.type === 'counter') value = agg === 'count' ? b.nonTrendValue.get(name) : b.nonTrendExtras.get(name)?.[0];
      else value = b.nonTrendValue.get(name);
      const mark = t.ok ? fmt.decorate('✓', 'green') : fmt.decorate('✗', 'red');
      out.push(c.indent([mark, fmt.decorate(`'${t.source.trim()}'`, 'white'), `${fmt.decorate(agg, 'white')}=${fmt.decorate(String(value), 'cyan')}`].join(' ')));
    }
    out.push(SEP);
  }
  return out;
}

function trendValue(v: number | undefined, stat: string, m: ReportMetric, unit: string | null): string {
  if (v === undefined) return 'undefined';
  return stat === 'count' ? String(v) : humanizeValue(v, m, unit);
}

function nonTrendValues(m: ReportMetric, unit: string | null): string[] {
  const v = m.values;
  switch (m.type) {
    case 'counter':
      return [humanizeValue(v.count ?? 0, m, unit), `${humanizeValue(v.rate ?? 0, m, unit)}/s`];
    case 'gauge':
      return [humanizeValue(v.value ?? 0, m, unit), `min=${humanizeValue(v.min ?? 0, m, unit)}`, `max=${humanizeValue(v.max ?? 0, m, unit)}`];
    case 'rate':
      return [humanizeValue(v.rate ?? 0, m, unit), `${v.passes ?? 0} out of ${(v.passes ?? 0) + (v.fails ?? 0)}`];
    default:
      return ['[no data]'];
  }
}

/** `name{tag:v}` shows as `  { tag:v }`. */
function displayName(name: string): string {
  const i = name.indexOf('{');
  return i < 0 ? name : `  { ${name.slice(i + 1, -1)} }`;
}

const collator = new Intl.Collator('und'); // goja's localeCompare: the root locale
const collate = (a: string, b: string) => collator.compare(a, b);

/** By parent name, then the submetric suffix (k6 `sortMetricsByName`). */
function sortNames(names: string[]): string[] {
  return names.sort(compareMetricNames);
}
