// k6/http: credentials in the URL become a Basic Authorization header.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const u = __ENV.BASE_URL.replace('http://', 'http://user:p%40ss@');
  const r = http.get(`${u}/echo`);
  console.log(r.status, r.json().headers.authorization);
}
