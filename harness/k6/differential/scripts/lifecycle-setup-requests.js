// Requests in setup and teardown are counted and tagged with their group.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export function setup() {
  check(http.get(`${__ENV.BASE_URL}/health`), { 'setup ok': (r) => r.status === 200 });
}
export default function () {
  http.get(`${__ENV.BASE_URL}/status?code=204`);
}
export function teardown() {
  check(http.post(`${__ENV.BASE_URL}/echo`, 'bye'), { 'teardown ok': (r) => r.status === 200 });
}
