// k6/encoding: binary input (ArrayBuffer, typed arrays) and binary output.
import encoding from 'k6/encoding';
export const options = { iterations: 1 };
export default function () {
  const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
  try { console.log('encode ArrayBuffer', JSON.stringify(encoding.b64encode(bytes.buffer))); } catch (e) { console.log('encode ArrayBuffer threw', String(e)); }
  try { console.log('encode Uint8Array', JSON.stringify(encoding.b64encode(bytes))); } catch (e) { console.log('encode Uint8Array threw', String(e)); }
  try { console.log('encode url ArrayBuffer', JSON.stringify(encoding.b64encode(bytes.buffer, 'url'))); } catch (e) { console.log('encode url ArrayBuffer threw', String(e)); }
  const back = encoding.b64decode('AAECf4D+/w==');
  console.log('decoded type', Object.prototype.toString.call(back), back.byteLength, Array.from(new Uint8Array(back)).join(','));
  try { console.log('decode rawurl', JSON.stringify(Array.from(new Uint8Array(encoding.b64decode('AAECf4D-_w', 'rawurl'))))); } catch (e) { console.log('decode rawurl threw', String(e)); }
}
