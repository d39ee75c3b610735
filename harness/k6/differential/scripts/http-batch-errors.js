// k6/http: batch with a failing request among good ones.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const rs = http.batch([`${__ENV.BASE_URL}/health`, `${__ENV.CLOSED_URL}/x`, ['GET', `${__ENV.BASE_URL}/status?code=500`]]);
  console.log(rs.map((r) => `${r.status}:${r.error_code}`).join(' '));
}
