// k6/http: setResponseCallback(expectedStatuses(...)) decides http_req_failed.
import http from 'k6/http';
import { check } from 'k6';
http.setResponseCallback(http.expectedStatuses(404, { min: 200, max: 204 }));
export const options = { iterations: 1, thresholds: { 'http_req_failed': ['rate==0.25'], 'http_reqs{expected_response:true}': ['count==3'] } };
export default function () {
  for (const c of [200, 204, 404, 500]) http.get(`${__ENV.BASE_URL}/status?code=${c}`);
  const r = http.get(`${__ENV.BASE_URL}/status?code=500`, { responseCallback: http.expectedStatuses(500) });
  console.log(r.status);
}
