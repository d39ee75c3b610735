// handleSummary: files and stdout written from the summary data (values that do not depend on time).
import { check } from 'k6';
import { Counter } from 'k6/metrics';
const c = new Counter('hs_count');
export const options = { iterations: 3, thresholds: { hs_count: ['count==3'] } };
export default function () {
  c.add(1);
  check(__ITER, { even: (i) => i % 2 === 0 });
}
export function handleSummary(data) {
  const m = data.metrics;
  const out = { checks: m.checks.values.passes + '/' + m.checks.values.fails, count: m.hs_count.values.count, type: m.hs_count.type, contains: m.hs_count.contains, thresholds: m.hs_count.thresholds, iterations: m.iterations.values.count, metrics: Object.keys(m).filter((k) => !k.startsWith('http_') && !k.startsWith('data_')).sort(), rootChecks: data.root_group.checks.map((x) => [x.name, x.path, x.passes, x.fails]), options: Object.keys(data.options).sort().map((k) => [k, data.options[k]]), state: Object.keys(data.state).sort() };
  return { 'summary.txt': JSON.stringify(out, null, 1), stdout: 'stdout from handleSummary\n' };
}
