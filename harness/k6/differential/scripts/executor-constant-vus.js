// constant-vus: 1s (its shortest); the iteration count depends on time.
// @vary iterations requests server
import http from 'k6/http';
export const options = { scenarios: { cv: { executor: 'constant-vus', vus: 2, duration: '1s' } } };
export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
}
