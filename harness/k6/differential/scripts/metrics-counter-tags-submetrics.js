// k6/metrics: Counter submetrics by tag, several thresholds on one submetric.
import { Counter } from 'k6/metrics';
const c = new Counter('orders');
export const options = { iterations: 4, thresholds: { 'orders{status:ok}': ['count==6', 'count>5'], 'orders{status:bad}': ['count==2'], orders: ['count==8'] } };
export default function () {
  c.add(__ITER % 2 === 0 ? 3 : 0, { status: 'ok' });
  if (__ITER < 2) c.add(1, { status: 'bad' });
}
