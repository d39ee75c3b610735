// k6/crypto: createHash, update in parts, digest called twice, update after digest, each encoding.
import crypto from 'k6/crypto';
export const options = { iterations: 1 };
export default function () {
  const h = crypto.createHash('sha256');
  console.log('update returns', typeof h.update('a'));
  h.update('bc');
  try { console.log('first digest', JSON.stringify(h.digest('hex'))); } catch (e) { console.log('first digest threw', String(e)); }
  try { console.log('second digest', JSON.stringify(h.digest('hex'))); } catch (e) { console.log('second digest threw', String(e)); }
  try { console.log('after update', JSON.stringify((h.update('d'), h.digest('hex')))); } catch (e) { console.log('after update threw', String(e)); }
  for (const enc of ['hex', 'base64', 'base64url', 'base64rawurl']) {
    const m = crypto.createHash('md5');
    m.update('abc');
    console.log(enc, m.digest(enc));
  }
  const b = crypto.createHash('md5');
  b.update('abc');
  try { console.log('binary digest', JSON.stringify(Array.from(new Uint8Array(b.digest('binary'))))); } catch (e) { console.log('binary digest threw', String(e)); }
  const hm = crypto.createHMAC('sha1', 'k');
  hm.update('x');
  try { console.log('hmac twice', JSON.stringify([hm.digest('hex'), hm.digest('hex')])); } catch (e) { console.log('hmac twice threw', String(e)); }
}
