import type { ReportData } from './report-data';

/**
 * JUnit XML for CI (the Jenkins/Ant schema CI systems read: testsuites > testsuite > testcase):
 * one suite for thresholds (a testcase per threshold, a failure carrying the observed value) and
 * one for checks (a testcase per check, failing when any of its runs failed).
 */
export function renderJunit(d: ReportData): string {
  const name = d.meta.kind === 'chaos' ? `chaos ${d.meta.experiment ?? ''}` : (d.meta.scenario ?? d.meta.runId);
  const timestamp = (d.meta.startedAt ?? d.generatedAt).replace(/\.\d+Z$|Z$/, '');
  const seconds = ((d.meta.durationMs ?? 0) / 1000).toFixed(3);
  const th = d.thresholds.map((t) => {
    const observed = t.value === null ? (t.note ?? 'not evaluated') : String(t.value);
    const body = t.ok ? '' : `<failure message="${x(`${t.key} ${t.source}: observed ${observed}`)}" type="threshold">${x(`threshold ${t.source} on ${t.key} crossed: observed ${observed}${t.abortOnFail ? ' (abortOnFail)' : ''}`)}</failure>`;
    return `    <testcase name="${x(`${t.key}: ${t.source}`)}" classname="${x(`thresholds.${t.key}`)}" time="0">${body}</testcase>`;
  });
  const ch = d.checks.map((c) => {
    const n = c.passes + c.fails;
    const body = c.fails ? `<failure message="${x(`${c.fails} of ${n} failed`)}" type="check">${x(`check "${c.name}" failed ${c.fails} of ${n} times (pass rate ${((c.passes / (n || 1)) * 100).toFixed(2)}%)`)}</failure>` : '';
    return `    <testcase name="${x(c.name)}" classname="${x(`checks${c.group ? `.${c.group.split('::').filter(Boolean).join('.')}` : ''}`)}" time="0">${body}</testcase>`;
  });
  const suite = (sname: string, id: number, cases: string[], failures: number) =>
    `  <testsuite name="${x(`${name} ${sname}`)}" id="${id}" package="harness" hostname="localhost" tests="${cases.length}" failures="${failures}" errors="0" time="${seconds}" timestamp="${x(timestamp)}">\n    <properties>\n${props(d)}\n    </properties>\n${cases.join('\n')}${cases.length ? '\n' : ''}    <system-out>${x(`run ${d.meta.runId}: ${d.meta.command}`)}</system-out>\n    <system-err></system-err>\n  </testsuite>`;
  const tests = th.length + ch.length;
  const failures = d.thresholds.filter((t) => !t.ok).length + d.checks.filter((c) => c.fails > 0).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${x(name)}" tests="${tests}" failures="${failures}" errors="0" time="${seconds}">\n${suite('thresholds', 0, th, d.thresholds.filter((t) => !t.ok).length)}\n${suite('checks', 1, ch, d.checks.filter((c) => c.fails > 0).length)}\n</testsuites>\n`;
}

function props(d: ReportData): string {
  const m = d.meta;
  const entries: Array<[string, unknown]> = [
    ['runId', m.runId],
    ['seed', m.seed],
    ['engine', m.engine],
    ['runtime', m.runtime],
    ['gitCommit', m.gitCommit],
    ['exitCode', m.exitCode],
    ['command', m.command],
  ];
  return entries
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `      <property name="${x(k)}" value="${x(String(v))}"/>`)
    .join('\n');
}

/** XML-escaped text, without characters XML 1.0 forbids. */
function x(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
