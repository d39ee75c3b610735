// k6/metrics: Counter adds, tags and submetric thresholds.
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const c = new Counter('my_counter');
export const options = { iterations: 3, thresholds: { my_counter: ['count==9'], 'my_counter{kind:a}': ['count==3'] } };
export default function () {
  c.add(1, { kind: 'a' });
  c.add(2);
  console.log('add returns', typeof c.add(0));
}
