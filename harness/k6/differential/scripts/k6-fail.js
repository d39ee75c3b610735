// k6: fail() ends the iteration with an error, the test goes on.
import { check, fail } from 'k6';
export const options = { iterations: 2 };
export default function () {
  check(1, { 'before fail': () => true });
  if (__ITER === 0) fail('first iteration fails');
  check(1, { 'after fail': () => true });
}
