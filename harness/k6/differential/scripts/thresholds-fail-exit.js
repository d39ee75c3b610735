// A failing threshold: exit 99, the verdict per expression.
import { check } from 'k6';
import { Counter, Trend } from 'k6/metrics';
const c = new Counter('fail_count');
export const options = { iterations: 1, thresholds: { fail_count: ['count>10', 'count<10'] } };
export default function () {
  c.add(1);
}
