// k6/data: SharedArray with a function that does not return an array, and without a function.
import { SharedArray } from 'k6/data';
function attempt(label, f) {
  try {
    const a = f();
    console.log(label, a.length);
  } catch (e) {
    console.log(label, 'threw', String(e));
  }
}
attempt('object', () => new SharedArray('o', () => ({ a: 1 })));
attempt('empty', () => new SharedArray('e', () => []));
attempt('no function', () => new SharedArray('n'));
export const options = { iterations: 1 };
export default function () {}
