// --no-summary skips the whole end-of-test summary step: no handleSummary() (no log, no stdout, no file) and no --summary-export file (sent to summary-export.json here, so `files` would list it); thresholds are still judged (exit 99).
// @flags --no-summary --summary-export summary-export.json
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 2, vus: 1, thresholds: { iterations: ['count<1'], checks: ['rate==1'] } };
export default function () {
  check(http.get(`${__ENV.BASE_URL}/health`), { 'is 200': (r) => r.status === 200 });
}
export function handleSummary(data) {
  console.log(`handleSummary called: iterations=${data.metrics.iterations.values.count}`);
  return { stdout: 'from handleSummary\n', 'handle-summary.txt': 'written by handleSummary\n' };
}
