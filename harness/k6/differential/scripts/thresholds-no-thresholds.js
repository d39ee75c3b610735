// --no-thresholds: a failing threshold does not fail the run.
// @flags --no-thresholds
import { check } from 'k6';
import { Counter, Trend } from 'k6/metrics';
const c = new Counter('nt_count');
export const options = { iterations: 1, thresholds: { nt_count: ['count>10'] } };
export default function () {
  c.add(1);
}
