// k6/http: an object body is sent form-urlencoded.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const r = http.post(`${__ENV.BASE_URL}/echo`, { a: '1', b: 'x y', c: '\u00e9&=' });
  const j = r.json();
  console.log(j.body.split('&').sort().join('&'), j.headers['content-type']);
}
