// shared-iterations: 7 iterations shared by 3 VUs, each one request.
import http from 'k6/http';
export const options = { scenarios: { shared: { executor: 'shared-iterations', vus: 3, iterations: 7, maxDuration: '10s' } } };
export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
}
