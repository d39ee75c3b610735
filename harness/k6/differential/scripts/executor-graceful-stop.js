// per-vu-iterations with maxDuration: iterations that finish in time count; the slow ones are interrupted.
// @vary iterations
import http from 'k6/http';
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 1, iterations: 100, maxDuration: '1s', gracefulStop: '0s' } } };
export default function () {
  http.get(`${__ENV.BASE_URL}/slow?ms=300`);
}
