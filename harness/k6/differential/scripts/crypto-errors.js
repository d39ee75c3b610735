// k6/crypto: unknown algorithms and output encodings, random bytes.
import crypto from 'k6/crypto';
export const options = { iterations: 1 };
export default function () {
  try { console.log('hmac nope', JSON.stringify(crypto.hmac('nope', 'k', 'd', 'hex'))); } catch (e) { console.log('hmac nope threw', String(e)); }
  try { console.log('digest nope', JSON.stringify(crypto.sha256('abc', 'nope'))); } catch (e) { console.log('digest nope threw', String(e)); }
  try { console.log('randomBytes', JSON.stringify([Object.prototype.toString.call(crypto.randomBytes(16)), crypto.randomBytes(16).byteLength])); } catch (e) { console.log('randomBytes threw', String(e)); }
  try { console.log('randomBytes 0', JSON.stringify(crypto.randomBytes(0).byteLength)); } catch (e) { console.log('randomBytes 0 threw', String(e)); }
}
