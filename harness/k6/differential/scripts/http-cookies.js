// k6/http: the VU cookie jar keeps Set-Cookie; response cookies.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const b = __ENV.BASE_URL;
  const r = http.get(`${b}/echo`);
  console.log('response cookie', JSON.stringify(r.cookies.sid && r.cookies.sid[0].value));
  const r2 = http.get(`${b}/echo`);
  console.log('sent back', r2.json().headers.cookie);
  const jar = http.cookieJar();
  jar.set(b, 'extra', 'v1');
  console.log('jar', JSON.stringify(Object.entries(jar.cookiesForURL(`${b}/echo`)).sort()));
  const r3 = http.get(`${b}/echo`, { cookies: { req: 'c1' } });
  console.log('with params cookie', r3.json().headers.cookie.split('; ').sort().join('; '));
}
