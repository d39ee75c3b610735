// k6/http: connection refused: the response's error, error_code and k6's Request Failed warning.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1, thresholds: { http_req_failed: ['rate==1'] } };
export default function () {
  const r = http.get(`${__ENV.CLOSED_URL}/x`);
  console.log(r.status, r.error, r.error_code, JSON.stringify(r.body));
  check(r, { 'refused': (x) => x.status === 0 });
}
