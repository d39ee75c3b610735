// constant-arrival-rate: 20 iterations/s for 1s (about 20; depends on time).
// @vary iterations requests server
import http from 'k6/http';
export const options = { scenarios: { car: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2 } } };
export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
}
