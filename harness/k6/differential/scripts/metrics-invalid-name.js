// k6/metrics: an invalid metric name fails in the init context.
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
try {
  new Counter('bad name!');
  console.log('created');
} catch (e) {
  console.log('threw', String(e));
}
export const options = { iterations: 1 };
export default function () {}
