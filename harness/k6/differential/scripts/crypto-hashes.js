// k6/crypto: every hash function, hex and base64 output, on '' and 'abc'.
import crypto from 'k6/crypto';
export const options = { iterations: 1 };
export default function () {
  for (const f of ['md4', 'md5', 'sha1', 'sha256', 'sha384', 'sha512', 'sha512_224', 'sha512_256', 'ripemd160']) {
    for (const s of ['', 'abc']) console.log(f, JSON.stringify(s), crypto[f](s, 'hex'), crypto[f](s, 'base64'));
  }
}
