// per-vu-iterations: 2 VUs x 3 iterations.
import http from 'k6/http';
export const options = { scenarios: { pervu: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } } };
export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
}
