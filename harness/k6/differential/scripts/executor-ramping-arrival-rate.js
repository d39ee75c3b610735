// ramping-arrival-rate: stages of rate; depends on time.
// @vary iterations requests server
import http from 'k6/http';
export const options = { scenarios: { rar: { executor: 'ramping-arrival-rate', startRate: 10, timeUnit: '1s', preAllocatedVUs: 2, stages: [{ duration: '300ms', target: 30 }, { duration: '200ms', target: 0 }] } } };
export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
}
