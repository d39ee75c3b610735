// k6/crypto: hmac and createHMAC with each algorithm, string and binary keys.
import crypto from 'k6/crypto';
export const options = { iterations: 1 };
export default function () {
  for (const a of ['md5', 'sha1', 'sha256', 'sha384', 'sha512', 'sha512_224', 'sha512_256', 'ripemd160']) console.log(a, crypto.hmac(a, 'key', 'The quick brown fox', 'hex'));
  const m = crypto.createHMAC('sha256', 'key');
  m.update('The quick ');
  m.update('brown fox');
  console.log('createHMAC', m.digest('base64'));
  try { console.log('binary key', JSON.stringify(crypto.hmac('sha256', new Uint8Array([1, 2, 3]).buffer, 'data', 'hex'))); } catch (e) { console.log('binary key threw', String(e)); }
  try { console.log('binary data', JSON.stringify(crypto.hmac('sha256', 'key', new Uint8Array([1, 2, 3]).buffer, 'hex'))); } catch (e) { console.log('binary data threw', String(e)); }
}
