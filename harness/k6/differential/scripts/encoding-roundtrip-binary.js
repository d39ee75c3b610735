// k6/encoding + k6/crypto: base64 of random-looking bytes round-trips exactly.
import encoding from 'k6/encoding';
export const options = { iterations: 1 };
export default function () {
  const bytes = new Uint8Array(256);
  for (let i = 0; i < 256; i++) bytes[i] = (i * 37) % 256;
  for (const enc of ['std', 'rawstd', 'url', 'rawurl']) {
    const e = encoding.b64encode(bytes.buffer, enc);
    const d = new Uint8Array(encoding.b64decode(e, enc));
    console.log(enc, e.length, d.length, d.every((v, i) => v === bytes[i]));
  }
}
