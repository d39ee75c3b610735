// The bundled target's contract: POST /telemetry 202 for JSON, 400 for bad JSON; http_req_failed counts the 400.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 3, thresholds: { http_req_failed: ['rate<0.5'], 'http_reqs{status:202}': ['count==3'] } };
export default function () {
  const ok = http.post(`${__ENV.BASE_URL}/telemetry`, JSON.stringify({ device: 'd', temp: 21.5 }), { headers: { 'Content-Type': 'application/json' } });
  check(ok, { accepted: (r) => r.status === 202 && r.json().accepted === true });
  if (__ITER === 0) {
    const bad = http.post(`${__ENV.BASE_URL}/telemetry`, '{not json');
    check(bad, { rejected: (r) => r.status === 400 });
  }
}
