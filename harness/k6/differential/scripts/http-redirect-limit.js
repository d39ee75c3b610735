// k6/http: a redirect chain longer than redirects: stops at the limit.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const b = __ENV.BASE_URL;
  const r = http.get(`${b}/redirect?to=${encodeURIComponent('/redirect?to=/health')}`, { redirects: 1 });
  console.log(r.status, r.url.replace(b, ''));
  const two = http.get(`${b}/redirect?to=${encodeURIComponent('/redirect?to=/health')}`);
  console.log(two.status, two.url.replace(b, ''), two.body);
}
