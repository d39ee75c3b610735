import type { SummaryData, SummaryGroup, SummaryMetric } from './summary-data';
import { compareMetricNames } from './summary-data';

/**
 * k6 v0.48's end-of-test summary text (`js/summary.js` textSummary), ported line for line so the
 * output is byte-identical: check tree (`✓ name` / `✗ name` + `↳  NN% — ✓ p / ✗ f`), groups as
 * `█ name`, metric lines padded with dots, submetrics as `{ tag:value }`, ✓/✗ threshold marks,
 * value humanisation (µs/ms/s/m/h, B/kB/MB, rates truncated to 2 decimals).
 */
export interface TextSummaryOptions {
  /** default ' ' */
  indent?: string;
  /** ANSI colours (k6: !noColor && stdout is a TTY). */
  enableColors?: boolean;
  summaryTimeUnit?: string | null;
  summaryTrendStats?: readonly string[] | null;
}

const palette = { bold: 1, faint: 2, red: 31, green: 32, cyan: 36 };
const groupPrefix = '█';
const detailsPrefix = '↳';
const succMark = '✓';
const failMark = '✗';

type Decorate = (text: string, color: number, ...styles: number[]) => string;

/** `'\n' + textSummary + '\n\n'`: what k6 prints to stdout when the script has no handleSummary. */
export function defaultSummaryStdout(data: SummaryData, enableColors = !data.options.noColor && data.state.isStdOutTTY): string {
  return `\n${renderTextSummary(data, { indent: ' ', enableColors })}\n\n`;
}

export function renderTextSummary(data: SummaryData, options: TextSummaryOptions = {}): string {
  const opts = {
    indent: ' ',
    enableColors: true,
    summaryTimeUnit: null as string | null,
    summaryTrendStats: null as readonly string[] | null,
    ...stripUndefined(data.options as unknown as Record<string, unknown>),
    ...stripUndefined(options as Record<string, unknown>),
  } as Required<TextSummaryOptions>;
  const decorate: Decorate = opts.enableColors
    ? (text, color, ...rest) => `\x1b[${[color, ...rest].join(';')}m${text}\x1b[0m`
    : (text) => text;
  const lines = [...summarizeGroup(`${opts.indent}    `, data.root_group, decorate), ...summarizeMetrics(opts, data, decorate)];
  return lines.join('\n');
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Display width: code points after NFKC, ANSI escapes skipped (k6 strWidth). */
export function strWidth(s: string): number {
  let inEsc = false;
  let inLong = false;
  let w = 0;
  for (const ch of s.normalize('NFKC')) {
    const c = ch.charCodeAt(0);
    if (ch === '\x1b') { inEsc = true; continue; }
    if (inEsc && ch === '[') { inLong = true; continue; }
    if (inEsc && inLong && c >= 0x40 && c <= 0x7e) { inEsc = false; inLong = false; continue; }
    if (inEsc && !inLong && c >= 0x40 && c <= 0x5f) { inEsc = false; continue; }
    if (!inEsc && !inLong) w++;
  }
  return w;
}

function summarizeCheck(indent: string, check: { name: string; passes: number; fails: number }, decorate: Decorate): string {
  if (check.fails === 0) return decorate(`${indent}${succMark} ${check.name}`, palette.green);
  const pct = Math.floor((100 * check.passes) / (check.passes + check.fails));
  return decorate(
    `${indent}${failMark} ${check.name}\n${indent} ${detailsPrefix}  ${pct}% — ${succMark} ${check.passes} / ${failMark} ${check.fails}`,
    palette.red,
  );
}

function summarizeGroup(indent: string, group: SummaryGroup, decorate: Decorate): string[] {
  const result: string[] = [];
  if (group.name !== '') {
    result.push(`${indent}${groupPrefix} ${group.name}\n`);
    indent += '  ';
  }
  for (const c of group.checks) result.push(summarizeCheck(indent, c, decorate));
  if (group.checks.length > 0) result.push('');
  for (const g of group.groups) result.push(...summarizeGroup(indent, g, decorate));
  return result;
}

function displayNameForMetric(name: string): string {
  const i = name.indexOf('{');
  return i >= 0 ? `{ ${name.substring(i + 1, name.length - 1)} }` : name;
}

function indentForMetric(name: string): string {
  return name.indexOf('{') >= 0 ? '  ' : '';
}

/**
 * `Number.prototype.toFixed` as goja implements it (Go `strconv.FormatFloat(v, 'f', prec)`):
 * exact ties round half to even (V8 rounds them up: 12.5.toFixed(0) is "13" in V8, "12" in k6).
 */
export function goToFixed(v: number, prec: number): string {
  const js = v.toFixed(prec);
  if (!Number.isFinite(v) || Math.abs(v) >= 1e21) return js;
  const exact = Math.abs(v).toFixed(100);
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + prec);
  if (!/^50*$/.test(rest)) return js; // not an exact tie
  const kept = exact.slice(0, dot + 1 + prec).replace(/\.$/, '');
  const last = kept.charCodeAt(kept.length - 1) - 48;
  if (last % 2 !== 0) return js; // odd: rounding up reaches the even neighbour, as V8 does
  return (v < 0 ? '-' : '') + kept;
}

export function humanizeBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  const base = 1000;
  if (bytes < 10) return `${bytes} B`;
  const e = Math.floor(Math.log(bytes) / Math.log(base));
  const suffix = units[e | 0];
  const val = Math.floor((bytes / Math.pow(base, e)) * 10 + 0.5) / 10;
  return `${goToFixed(val, val < 10 ? 1 : 0)} ${suffix}`;
}

const unitMap: Record<string, { unit: string; coef: number }> = {
  s: { unit: 's', coef: 0.001 },
  ms: { unit: 'ms', coef: 1 },
  us: { unit: 'µs', coef: 1000 },
};

function toFixedNoTrailingZeros(val: number, prec: number): string {
  return parseFloat(goToFixed(val, prec)).toString();
}

function toFixedNoTrailingZerosTrunc(val: number, prec: number): string {
  const mult = Math.pow(10, prec);
  return toFixedNoTrailingZeros(Math.trunc(mult * val) / mult, prec);
}

function humanizeGenericDuration(dur: number): string {
  if (dur === 0) return '0s';
  if (dur < 0.001) return `${Math.trunc(dur * 1000000)}ns`;
  if (dur < 1) return `${toFixedNoTrailingZerosTrunc(dur * 1000, 2)}µs`;
  if (dur < 1000) return `${toFixedNoTrailingZerosTrunc(dur, 2)}ms`;
  let result = `${toFixedNoTrailingZerosTrunc((dur % 60000) / 1000, dur > 60000 ? 0 : 2)}s`;
  let rem = Math.trunc(dur / 60000);
  if (rem < 1) return result;
  result = `${rem % 60}m${result}`;
  rem = Math.trunc(rem / 60);
  if (rem < 1) return result;
  return `${rem}h${result}`;
}

export function humanizeDuration(dur: number, timeUnit?: string | null): string {
  if (timeUnit && Object.prototype.hasOwnProperty.call(unitMap, timeUnit)) {
    return goToFixed(dur * unitMap[timeUnit].coef, 2) + unitMap[timeUnit].unit;
  }
  return humanizeGenericDuration(dur);
}

export function humanizeValue(val: number, metric: Pick<SummaryMetric, 'type' | 'contains'>, timeUnit?: string | null): string {
  if (metric.type === 'rate') return `${goToFixed(Math.trunc(val * 100 * 100) / 100, 2)}%`;
  switch (metric.contains) {
    case 'data': return humanizeBytes(val);
    case 'time': return humanizeDuration(val, timeUnit);
    default: return toFixedNoTrailingZeros(val, 6);
  }
}

function nonTrendMetricValueForSum(metric: SummaryMetric, timeUnit: string | null): string[] {
  const v = metric.values;
  switch (metric.type) {
    case 'counter':
      return [humanizeValue(v.count, metric, timeUnit), `${humanizeValue(v.rate, metric, timeUnit)}/s`];
    case 'gauge':
      return [
        humanizeValue(v.value, metric, timeUnit),
        `min=${humanizeValue(v.min, metric, timeUnit)}`,
        `max=${humanizeValue(v.max, metric, timeUnit)}`,
      ];
    case 'rate':
      return [humanizeValue(v.rate, metric, timeUnit), `${succMark} ${v.passes}`, `${failMark} ${v.fails}`];
    default:
      return ['[no data]'];
  }
}

function summarizeMetrics(options: Required<TextSummaryOptions>, data: SummaryData, decorate: Decorate): string[] {
  const indent = `${options.indent}  `;
  const result: string[] = [];
  const names: string[] = [];
  let nameLenMax = 0;
  const nonTrendValues: Record<string, string> = {};
  let nonTrendValueMaxLen = 0;
  const nonTrendExtras: Record<string, string[]> = {};
  const nonTrendExtraMaxLens = [0, 0];
  const trendStats = options.summaryTrendStats ?? [];
  const trendCols: Record<string, string[]> = {};
  const trendColMaxLens = new Array<number>(trendStats.length).fill(0);

  for (const [name, metric] of Object.entries(data.metrics)) {
    names.push(name);
    const displayNameWidth = strWidth(indentForMetric(name) + displayNameForMetric(name));
    if (displayNameWidth > nameLenMax) nameLenMax = displayNameWidth;
    if (metric.type === 'trend') {
      const cols: string[] = [];
      trendStats.forEach((tc, i) => {
        const raw = metric.values[tc];
        const value = tc === 'count' ? String(raw) : humanizeValue(raw, metric, options.summaryTimeUnit);
        const len = strWidth(value);
        if (len > trendColMaxLens[i]) trendColMaxLens[i] = len;
        cols[i] = value;
      });
      trendCols[name] = cols;
      continue;
    }
    const values = nonTrendMetricValueForSum(metric, options.summaryTimeUnit);
    nonTrendValues[name] = values[0];
    const valueLen = strWidth(values[0]);
    if (valueLen > nonTrendValueMaxLen) nonTrendValueMaxLen = valueLen;
    nonTrendExtras[name] = values.slice(1);
    for (let i = 1; i < values.length; i++) {
      const extraLen = strWidth(values[i]);
      if (extraLen > nonTrendExtraMaxLens[i - 1]) nonTrendExtraMaxLens[i - 1] = extraLen;
    }
  }

  names.sort(compareMetricNames);

  const getData = (name: string): string => {
    if (Object.prototype.hasOwnProperty.call(trendCols, name)) {
      const cols = trendCols[name];
      return cols
        .map((c, i) => `${trendStats[i]}=${decorate(c, palette.cyan)}${' '.repeat(trendColMaxLens[i] - strWidth(c))}`)
        .join(' ');
    }
    const value = nonTrendValues[name];
    let fmtData = decorate(value, palette.cyan) + ' '.repeat(nonTrendValueMaxLen - strWidth(value));
    const extras = nonTrendExtras[name];
    if (extras.length === 1) {
      fmtData = `${fmtData} ${decorate(extras[0], palette.cyan, palette.faint)}`;
    } else if (extras.length > 1) {
      const parts = extras.map(
        (e, i) => decorate(e, palette.cyan, palette.faint) + ' '.repeat(nonTrendExtraMaxLens[i] - strWidth(e)),
      );
      fmtData = `${fmtData} ${parts.join(' ')}`;
    }
    return fmtData;
  };

  for (const name of names) {
    const metric = data.metrics[name];
    let mark = ' ';
    let markColor = (t: string) => t;
    if (metric.thresholds) {
      mark = succMark;
      markColor = (t) => decorate(t, palette.green);
      for (const th of Object.values(metric.thresholds)) {
        if (!th.ok) {
          mark = failMark;
          markColor = (t) => decorate(t, palette.red);
          break;
        }
      }
    }
    const fmtIndent = indentForMetric(name);
    let fmtName = displayNameForMetric(name);
    fmtName += decorate(`${'.'.repeat(nameLenMax - strWidth(fmtName) - strWidth(fmtIndent) + 3)}:`, palette.faint);
    result.push(`${indent}${fmtIndent}${markColor(mark)} ${fmtName} ${getData(name)}`);
  }
  return result;
}
