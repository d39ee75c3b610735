// k6/http: Response.json() with a selector and on a non-JSON body.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const r = http.post(`${__ENV.BASE_URL}/echo`, JSON.stringify({ a: { b: [1, 2, 3] } }));
  try { console.log('selector method', JSON.stringify(r.json('method'))); } catch (e) { console.log('selector method threw', String(e)); }
  try { console.log('selector query', JSON.stringify(r.json('query'))); } catch (e) { console.log('selector query threw', String(e)); }
  try { console.log('missing', JSON.stringify(r.json('nope.nope'))); } catch (e) { console.log('missing threw', String(e)); }
  const t = http.get(`${__ENV.BASE_URL}/slow?ms=1`);
  try { console.log('not json', JSON.stringify(t.json())); } catch (e) { console.log('not json threw', String(e)); }
}
