// k6/metrics: Gauge and Rate submetrics.
import { Gauge, Rate } from 'k6/metrics';
const g = new Gauge('queue_depth');
const r = new Rate('hit_rate');
export const options = { iterations: 1, thresholds: { 'queue_depth{q:a}': ['value==2'], 'hit_rate{cache:l1}': ['rate==0.75'], hit_rate: ['rate==0.6'] } };
export default function () {
  g.add(5, { q: 'a' });
  g.add(2, { q: 'a' });
  g.add(9, { q: 'b' });
  for (const v of [1, 1, 1, 0]) r.add(v, { cache: 'l1' });
  r.add(0, { cache: 'l2' });
}
