// k6/metrics: creating a metric outside the init context.
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
export const options = { iterations: 1 };
export default function () {
  try {
    new Counter('late');
    console.log('created');
  } catch (e) {
    console.log('threw', String(e));
  }
}
