import type { ReportData } from './report-data';

/**
 * `summary.md`: verdict, thresholds table, key percentiles and a link to report.html, for
 * `$GITHUB_STEP_SUMMARY` or a PR comment (GitHub-flavoured Markdown, no HTML).
 */
export function renderMarkdown(d: ReportData, o: { reportLink?: string } = {}): string {
  const m = d.meta;
  const name = m.kind === 'chaos' ? `chaos ${m.experiment ?? ''}` : (m.scenario ?? m.runId);
  const ok = m.exitCode === 0;
  const lines = [`## ${ok ? '✅' : '❌'} ${cell(name)}: ${m.verdict ?? (ok ? 'passed' : 'failed')}${m.exitCode === undefined ? '' : ` (exit ${m.exitCode})`}`, ''];
  const facts = [`run \`${m.runId}\``, m.seed === undefined ? '' : `seed ${m.seed}`, m.engine ? `engine ${m.engine}${m.engineVersion ? ` ${m.engineVersion}` : ''}` : '', m.runtime ? `runtime ${m.runtime}` : '', m.durationMs === undefined ? '' : `${(m.durationMs / 1000).toFixed(1)} s`, m.gitCommit ? `commit \`${m.gitCommit.slice(0, 12)}\`` : ''].filter(Boolean);
  lines.push(facts.join(' · '), '');
  if (m.summaryNote) lines.push(`Summary: ${cell(m.summaryNote)}.`, '');
  if (d.thresholds.length) {
    const failed = d.thresholds.filter((t) => !t.ok).length;
    lines.push(`### Thresholds: ${d.thresholds.length - failed}/${d.thresholds.length} passed`, '', '| | metric | expression | observed | abortOnFail |', '|---|---|---|---:|---|');
    for (const t of d.thresholds) lines.push(`| ${t.ok ? '✅' : '❌'} | \`${cell(t.key)}\` | \`${cell(t.source)}\` | ${t.value === null ? cell(t.note ?? '–') : num(t.value)} | ${t.abortOnFail === null ? '–' : t.abortOnFail ? 'yes' : 'no'} |`);
    lines.push('');
  } else lines.push('No thresholds defined.', '');
  const t = d.totals;
  lines.push('### Key numbers', '', '| requests | failed | p50 | p90 | p95 | p99 | max | max VUs | iterations |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const dur = t.duration;
  const ms = (v: number | undefined) => (v === undefined ? '–' : `${num(v)} ms`);
  lines.push(`| ${t.requests} | ${t.requests ? `${((t.failedRequests / t.requests) * 100).toFixed(2)}%` : '–'} | ${ms(dur?.p50)} | ${ms(dur?.p90)} | ${ms(dur?.p95)} | ${ms(dur?.p99)} | ${ms(dur?.max)} | ${t.vusMax} | ${t.iterations} |`, '');
  const failing = d.checks.filter((c) => c.fails > 0);
  if (d.checks.length) lines.push(failing.length ? `Checks: ${failing.length} of ${d.checks.length} failed (${failing.map((c) => `\`${cell(c.name)}\``).join(', ')}).` : `Checks: all ${d.checks.length} passed.`, '');
  if (d.windows.some((w) => w.kind === 'fault')) lines.push(`Faults: ${d.windows.filter((w) => w.kind === 'fault').map((w) => `${cell(w.name)} (${((w.end - w.start) / 1000).toFixed(1)} s)`).join(', ')}.`, '');
  lines.push(targetLine(d), '');
  lines.push(`Reproduce: \`${m.command}\``, '');
  lines.push(`Full report: [${o.reportLink ?? 'report.html'}](${o.reportLink ?? 'report.html'})`, '');
  return lines.join('\n');
}

/** The target's side in one line: peaks of the queue and the flow, rejections by reason, breaker open time. */
function targetLine(d: ReportData): string {
  const t = d.target;
  if (!t) return 'Target: not sampled (no target.ndjson).';
  const peak = (v: Array<number | null>) => Math.round(v.reduce<number>((a, b) => (b !== null && b > a ? b : a), 0) * 10) / 10;
  const reasons = Object.entries(t.rejectedByReason).filter(([, v]) => peak(v) > 0);
  const open = t.breaker.filter((v) => v === 2).length * t.step;
  const parts = [
    `peak queue ${num(peak(t.queued))}`,
    `accepted up to ${num(peak(t.accepted))}/s, processed up to ${num(peak(t.processed))}/s`,
    reasons.length ? `rejections up to ${reasons.map(([r, v]) => `${num(peak(v))}/s \`${cell(r)}\``).join(', ')}` : 'no rejections',
    open ? `breaker open ~${open} s` : 'breaker closed',
  ];
  return `Target: ${parts.join(' · ')}.`;
}

function num(v: number): string {
  return String(Math.round(v * 10_000) / 10_000);
}

/** Text safe inside a table cell. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/`/g, "'");
}
