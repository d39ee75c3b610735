// k6/http: http.file() defaults (filename, content type) and binary data.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const a = http.file('x');
  // The default filename is made from the clock: only its type is compared.
  console.log(typeof a.filename, a.filename.length > 0, a.content_type);
  const b = http.file(new Uint8Array([1, 2, 3]).buffer, 'b.bin');
  console.log(b.filename, b.content_type, Object.prototype.toString.call(b.data));
}
