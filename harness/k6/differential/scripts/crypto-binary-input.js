// k6/crypto: ArrayBuffer and typed-array input to hash functions; 'binary' output.
import crypto from 'k6/crypto';
export const options = { iterations: 1 };
export default function () {
  const buf = new Uint8Array([97, 98, 99]).buffer;
  try { console.log('sha256 ArrayBuffer', JSON.stringify(crypto.sha256(buf, 'hex'))); } catch (e) { console.log('sha256 ArrayBuffer threw', String(e)); }
  try { console.log('md5 Uint8Array', JSON.stringify(crypto.md5(new Uint8Array([97, 98, 99]), 'hex'))); } catch (e) { console.log('md5 Uint8Array threw', String(e)); }
  try { console.log('sha1 binary out', JSON.stringify(Array.from(new Uint8Array(crypto.sha1('abc', 'binary'))).length)); } catch (e) { console.log('sha1 binary out threw', String(e)); }
  try { console.log('hasher ArrayBuffer', JSON.stringify((() => { const h = crypto.createHash('sha1'); h.update(buf); return h.digest('hex'); })())); } catch (e) { console.log('hasher ArrayBuffer threw', String(e)); }
}
