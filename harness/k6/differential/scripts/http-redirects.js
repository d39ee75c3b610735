// k6/http: redirects are followed (url, status), or not with redirects: 0.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const b = __ENV.BASE_URL;
  const r = http.get(`${b}/redirect?to=/health`);
  console.log('followed', r.status, r.url.replace(b, ''), r.body);
  const n = http.get(`${b}/redirect?to=/health`, { redirects: 0 });
  console.log('not followed', n.status, n.headers.Location, JSON.stringify(n.body));
}
