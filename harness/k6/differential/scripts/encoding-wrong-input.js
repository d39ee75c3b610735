// k6/encoding: wrong types and invalid base64.
import encoding from 'k6/encoding';
export const options = { iterations: 1 };
export default function () {
  try { console.log('encode number', JSON.stringify(encoding.b64encode(123))); } catch (e) { console.log('encode number threw', String(e)); }
  try { console.log('encode object', JSON.stringify(encoding.b64encode({ a: 1 }))); } catch (e) { console.log('encode object threw', String(e)); }
  try { console.log('encode bad encoding', JSON.stringify(encoding.b64encode('x', 'nope'))); } catch (e) { console.log('encode bad encoding threw', String(e)); }
  try { console.log('decode invalid', JSON.stringify(encoding.b64decode('!!!', 'std', 's'))); } catch (e) { console.log('decode invalid threw', String(e)); }
  try { console.log('decode padded as raw', JSON.stringify(encoding.b64decode('aGk=', 'rawstd', 's'))); } catch (e) { console.log('decode padded as raw threw', String(e)); }
  try { console.log('decode unpadded as std', JSON.stringify(encoding.b64decode('aGk', 'std', 's'))); } catch (e) { console.log('decode unpadded as std threw', String(e)); }
}
