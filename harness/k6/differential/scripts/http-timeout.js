// k6/http: a request timeout: error text, error_code and the Request Failed warning.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const r = http.get(`${__ENV.BASE_URL}/slow?ms=2000`, { timeout: '200ms' });
  console.log(r.status, r.error, r.error_code);
}
