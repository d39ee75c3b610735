// k6/metrics: Gauge keeps the last value, min and max.
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const g = new Gauge('my_gauge');
export const options = { iterations: 1, thresholds: { my_gauge: ['value==3', 'value<5'] } };
export default function () {
  for (const v of [5, -2, 7.5, 3]) g.add(v);
}
