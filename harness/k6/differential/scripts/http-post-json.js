// k6/http: POST a JSON string with headers; the target echoes what it got.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const r = http.post(`${__ENV.BASE_URL}/echo?q=1&u=%C3%A9`, JSON.stringify({ a: 1, s: '\u00e9' }), { headers: { 'Content-Type': 'application/json', 'X-Test': 'yes' } });
  const j = r.json();
  console.log(j.method, j.body, j.headers['content-type'], j.headers['x-test'], j.headers['content-length'], JSON.stringify(j.query));
  check(r, { 'echo 200': (x) => x.status === 200 });
}
