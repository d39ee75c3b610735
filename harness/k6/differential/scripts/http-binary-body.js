// k6/http: responseType binary gives an ArrayBuffer; text gives a string; none gives null.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const u = `${__ENV.BASE_URL}/bytes?n=300`;
  const r = http.get(u, { responseType: 'binary' });
  console.log('binary', Object.prototype.toString.call(r.body), r.body.byteLength, Array.from(new Uint8Array(r.body).slice(250, 260)).join(','));
  const t = http.get(u, { responseType: 'text' });
  console.log('text', typeof t.body, t.body.length);
  const n = http.get(u, { responseType: 'none' });
  console.log('none', JSON.stringify(n.body));
  check(r, { 'binary 300': (x) => x.body.byteLength === 300 });
}
