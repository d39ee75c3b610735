// Threshold forms: count, rate, value, trend aggregates, several per metric, submetrics, object form.
import { check } from 'k6';
import { Counter, Trend } from 'k6/metrics';
const c = new Counter('th_count');
const t = new Trend('th_trend');
export const options = { iterations: 1, thresholds: {
  th_count: ['count==3', 'count>2', 'count<3'],
  'th_count{k:v}': ['count==1'],
  th_trend: ['avg==20', 'min==10', 'max==30', 'med==20', 'p(50)==20', 'p(99.9)<31', { threshold: 'avg<100', abortOnFail: false }],
  checks: ['rate==0.5', 'rate>=0.5'],
  'checks{c:one}': ['rate==1'],
} };
export default function () {
  c.add(1);
  c.add(1, { k: 'v' });
  c.add(1);
  for (const v of [10, 20, 30]) t.add(v);
  check(1, { pass: () => true }, { c: 'one' });
  check(1, { fail: () => false });
}
