// k6/http: throw: true turns a network error into an exception.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  try {
    http.get(`${__ENV.CLOSED_URL}/x`, { throw: true });
    console.log('no throw');
  } catch (e) {
    console.log('threw', String(e));
  }
}
