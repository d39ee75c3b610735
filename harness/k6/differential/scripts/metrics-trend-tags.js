// k6/metrics: a Trend with tagged submetrics and their aggregates.
import { Trend } from 'k6/metrics';
const t = new Trend('latency_model');
export const options = { iterations: 1, thresholds: { 'latency_model{region:eu}': ['avg==15', 'max==20'], 'latency_model{region:us}': ['min==100'] } };
export default function () {
  t.add(10, { region: 'eu' });
  t.add(20, { region: 'eu' });
  t.add(100, { region: 'us' });
}
