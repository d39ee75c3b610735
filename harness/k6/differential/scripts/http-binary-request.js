// k6/http: an ArrayBuffer request body is sent as bytes.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const body = new Uint8Array([104, 105, 33]).buffer;
  const r = http.post(`${__ENV.BASE_URL}/echo`, body);
  console.log(r.json().body, r.json().headers['content-length']);
}
