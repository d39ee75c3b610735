// k6/http: GET, status, body, headers, json(), timings present.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const r = http.get(`${__ENV.BASE_URL}/health`);
  console.log(r.status, r.body, r.headers['Content-Type'], JSON.stringify(r.json()), r.url.replace(__ENV.BASE_URL, ''), r.request.method, r.proto, r.error, r.error_code);
  console.log(typeof r.timings.duration, typeof r.timings.waiting, r.status_text);
  check(r, { '200': (x) => x.status === 200 });
}
