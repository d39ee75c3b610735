// k6/metrics: Trend aggregates (avg, min, med, max, p(90), p(95)) of known values.
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const t = new Trend('my_trend');
const tt = new Trend('my_time_trend', true);
export const options = { iterations: 1, summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'], thresholds: { my_trend: ['p(95)<100', 'avg>10', 'med==50.5'], my_time_trend: ['max==250'] } };
export default function () {
  for (let i = 1; i <= 100; i++) t.add(i);
  for (const v of [10, 250, 40]) tt.add(v);
}
