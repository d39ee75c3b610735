// k6/encoding: optional arguments given as null or undefined, or left out.
import encoding from 'k6/encoding';
export const options = { iterations: 1 };
export default function () {
  try { console.log('encode undefined', JSON.stringify(encoding.b64encode('hello', undefined))); } catch (e) { console.log('encode undefined threw', String(e)); }
  try { console.log('encode null', JSON.stringify(encoding.b64encode('hello', null))); } catch (e) { console.log('encode null threw', String(e)); }
  try { console.log('encode missing', JSON.stringify(encoding.b64encode('hello'))); } catch (e) { console.log('encode missing threw', String(e)); }
  try { console.log('decode undefined s', JSON.stringify(encoding.b64decode('aGVsbG8=', undefined, 's'))); } catch (e) { console.log('decode undefined s threw', String(e)); }
  try { console.log('decode null s', JSON.stringify(encoding.b64decode('aGVsbG8=', null, 's'))); } catch (e) { console.log('decode null s threw', String(e)); }
  try { console.log('decode std null', JSON.stringify(typeof encoding.b64decode('aGVsbG8=', 'std', null))); } catch (e) { console.log('decode std null threw', String(e)); }
  try { console.log('decode std undefined', JSON.stringify(typeof encoding.b64decode('aGVsbG8=', 'std', undefined))); } catch (e) { console.log('decode std undefined threw', String(e)); }
  try { console.log('decode missing', JSON.stringify(encoding.b64decode('aGVsbG8=').byteLength)); } catch (e) { console.log('decode missing threw', String(e)); }
  try { console.log('decode empty format', JSON.stringify(encoding.b64decode('aGVsbG8=', '', 's'))); } catch (e) { console.log('decode empty format threw', String(e)); }
}
