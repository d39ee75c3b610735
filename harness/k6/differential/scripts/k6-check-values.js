// k6: check() with functions, plain values, its return value and tags.
import { check } from 'k6';
export const options = { iterations: 2 };
export default function () {
  console.log('all pass', check(1, { 'is one': (x) => x === 1, 'truthy value': true }));
  console.log('one fails', check(1, { 'is two': (x) => x === 2, 'is number': (x) => typeof x === 'number' }));
  console.log('tagged', check('s', { 'tagged check': (x) => x === 's' }, { kind: 'tagged' }));
  console.log('values', check(0, { 'zero value': 0, 'string value': 'x', 'null value': null }));
  console.log('empty', check(1, {}));
}
