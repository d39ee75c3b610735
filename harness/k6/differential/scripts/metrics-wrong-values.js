// k6/metrics: non-numeric values added to metrics.
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const c = new Counter('wc');
const t = new Trend('wt');
export const options = { iterations: 1 };
export default function () {
  try { console.log('counter string number', JSON.stringify(c.add('5'))); } catch (e) { console.log('counter string number threw', String(e)); }
  try { console.log('counter NaN', JSON.stringify(c.add(NaN))); } catch (e) { console.log('counter NaN threw', String(e)); }
  try { console.log('trend string', JSON.stringify(t.add('x'))); } catch (e) { console.log('trend string threw', String(e)); }
  try { console.log('counter no value', JSON.stringify(c.add())); } catch (e) { console.log('counter no value threw', String(e)); }
}
