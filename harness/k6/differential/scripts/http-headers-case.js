// k6/http: response header names are canonicalised; request header names as given.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const r = http.get(`${__ENV.BASE_URL}/echo`, { headers: { 'x-lower': 'a', 'X-Upper': 'b' } });
  console.log(Object.keys(r.headers).sort().filter((k) => k !== 'Date').join(','));
  console.log(r.json().headers['x-lower'], r.json().headers['x-upper'], r.json().headers['user-agent'].startsWith('k6/'));
}
