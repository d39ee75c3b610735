// abortOnFail: a threshold crossed at the first iteration stops the run early with exit 99.
// @vary iterations requests server
import http from 'k6/http';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '5s' } }, thresholds: { iterations: [{ threshold: 'count<1', abortOnFail: true }] } };
export default function () {
  http.get(`${__ENV.BASE_URL}/slow?ms=20`);
}
