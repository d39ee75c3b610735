// ramping-vus: stages; the iteration count depends on time.
// @vary iterations requests server
import http from 'k6/http';
export const options = { scenarios: { rv: { executor: 'ramping-vus', startVUs: 1, stages: [{ duration: '200ms', target: 2 }, { duration: '200ms', target: 0 }], gracefulRampDown: '0s' } } };
export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
}
