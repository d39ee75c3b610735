// Request tags and check tags reach the samples: thresholds on tagged submetrics.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 2, thresholds: { 'http_reqs{kind:health}': ['count==2'], 'checks{kind:health}': ['rate==1'], 'http_req_duration{name:named}': ['max>=0'] } };
export default function () {
  const r = http.get(`${__ENV.BASE_URL}/health`, { tags: { kind: 'health' } });
  check(r, { 'tagged ok': (x) => x.status === 200 }, { kind: 'health' });
  http.get(`${__ENV.BASE_URL}/status?code=200`, { tags: { name: 'named' } });
}
