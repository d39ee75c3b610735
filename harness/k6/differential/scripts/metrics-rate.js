// k6/metrics: Rate counts non-zero values (true, 1, objects) as passes.
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const r = new Rate('my_rate');
export const options = { iterations: 1, thresholds: { my_rate: ['rate>0.5'] } };
export default function () {
  for (const v of [true, false, 1, 0, 5, 'x', '', null]) r.add(v);
}
