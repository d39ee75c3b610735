// k6/http: 4xx/5xx responses count in http_req_failed; no Request Failed log for them.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1, thresholds: { http_req_failed: ['rate<0.5', 'rate>0.1'] } };
export default function () {
  for (const c of [200, 204, 301, 404, 500, 503]) {
    const r = http.get(`${__ENV.BASE_URL}/status?code=${c}`, { redirects: 0 });
    console.log(c, r.status, r.error, r.error_code);
  }
}
