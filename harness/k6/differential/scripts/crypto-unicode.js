// k6/crypto: unicode text is hashed as UTF-8.
import crypto from 'k6/crypto';
export const options = { iterations: 1 };
export default function () {
  for (const s of ['\u00e9t\u00e9', '\u2713 ok', '\u{1F600}', '\u65e5\u672c']) console.log(JSON.stringify(s), crypto.sha256(s, 'hex'), crypto.md5(s, 'base64'));
}
