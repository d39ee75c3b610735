import type { CompareRow } from '../report';
import type { GateResult, GateRow } from './compare-runs';

const tagText = (r: GateRow) => {
  const t = Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(',');
  return t ? `{${t}}` : '';
};

function num(v: number, kind: 'relative' | 'absolute' | 'value', statistic = ''): string {
  if (!Number.isFinite(v)) return '-';
  if (kind === 'relative') return `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;
  if (kind === 'absolute') return `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} pt`;
  if (/rate$/.test(statistic)) return `${(v * 100).toFixed(2)}%`;
  return /per second/.test(statistic) ? v.toFixed(1) : `${v.toFixed(2)}ms`;
}

function cells(r: GateRow): string[] {
  return [
    r.verdict === 'regressed' ? 'REGRESSED' : r.verdict === 'missing' ? 'MISSING' : r.verdict,
    `${r.statistic}${tagText(r)}`,
    num(r.baseline, 'value', r.statistic),
    num(r.candidate, 'value', r.statistic),
    num(r.change, r.changeKind),
    `±${num(r.tolerance, r.changeKind).replace(/^\+/, '')}`,
    Number.isFinite(r.effectSize) ? r.effectSize.toFixed(2) : '-',
    r.test === 'none' ? '-' : `${(r.confidence * 100).toFixed(1)}%`,
    r.note ?? '',
  ];
}

const HEAD = ['verdict', 'statistic', 'baseline', 'candidate', 'change', 'tolerance', 'effect', 'confidence', 'note'];

/** The table printed on stderr: aligned columns, regressions first. */
export function renderGateTable(g: GateResult): string {
  const rows = [HEAD, ...ordered(g).map(cells)];
  const width = HEAD.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${warningLines(g).map((w) => `warning: ${w}\n`).join('')}${rows.map((r) => r.map((c, i) => c.padEnd(width[i]!)).join('  ').trimEnd()).join('\n')}\n${summaryLine(g)}\n`;
}

/** gate.md: for a pull-request comment or a CI step summary. */
export function renderGateMarkdown(g: GateResult): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const body = ordered(g).map((r) => `| ${cells(r).map(esc).join(' | ')} |`);
  const warn = warningLines(g).map((w) => `> **Warning:** ${esc(w)}\n`).join('');
  return `## Performance gate: ${g.regressed + g.missing ? 'FAILED' : 'passed'}\n\n${summaryLine(g)}\n\n${warn ? `${warn}\n` : ''}run \`${g.candidateRun}\` against ${g.baselineRuns.length} baseline run(s): ${g.baselineRuns.map((r) => `\`${r}\``).join(', ')}\n\n| ${HEAD.join(' | ')} |\n|${HEAD.map(() => '---').join('|')}|\n${body.join('\n')}\n\neffect: Cliff's delta of the per-second windows (latency, throughput) or the rate difference; confidence: 1 - p of the one-sided test (docs/gates.md).\n`;
}

/** gate.junit.xml: one testcase per compared statistic, a failure per regression or missing series. */
export function renderGateJunit(g: GateResult): string {
  const cases = ordered(g).map((r) => {
    const c = cells(r);
    const failure = r.verdict === 'regressed' || r.verdict === 'missing' ? `<failure message="${x(`${c[1]} ${r.verdict}: ${c[4]} (tolerance ${c[5]}, confidence ${c[7]})`)}" type="gate">${x(c.join(' '))}</failure>` : '';
    return `    <testcase name="${x(c[1]!)}" classname="gate.${x(r.metric)}" time="0">${failure}</testcase>`;
  });
  const failures = g.regressed + g.missing;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="gate" tests="${cases.length}" failures="${failures}" errors="0">\n  <testsuite name="gate ${x(g.candidateRun)}" id="0" package="harness" hostname="localhost" tests="${cases.length}" failures="${failures}" errors="0" time="0">\n${cases.join('\n')}${cases.length ? '\n' : ''}  </testsuite>\n</testsuites>\n`;
}

/** The rows of compare.html's verdict table: the same cells as the table and gate.md, regressions first. */
export function compareRows(g: GateResult): CompareRow[] {
  return ordered(g).map((r) => {
    const [, , baseline, candidate, change, tolerance, effect, confidence, note] = cells(r);
    return { verdict: r.verdict, statistic: r.statistic, tags: tagText(r), baseline: baseline!, candidate: candidate!, change: change!, tolerance: tolerance!, effect: effect!, confidence: confidence!, note: note! };
  });
}

/** The environment warnings, with what to do about them. */
export function warningLines(g: GateResult): string[] {
  return g.warnings ?? [];
}

export function summaryLine(g: GateResult): string {
  const inc = g.inconclusive ?? 0;
  return `${g.rows.length} compared: ${g.regressed} regressed, ${g.missing} missing, ${g.improved} improved, ${inc ? `${inc} inconclusive, ` : ''}${g.rows.length - g.regressed - g.missing - g.improved - inc} unchanged`;
}

function ordered(g: GateResult): GateRow[] {
  const rank = { regressed: 0, missing: 1, inconclusive: 2, improved: 3, unchanged: 4 } as const;
  return [...g.rows].sort((a, b) => rank[a.verdict] - rank[b.verdict]);
}

function x(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
