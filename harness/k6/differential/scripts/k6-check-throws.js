// k6: a check function that throws makes the iteration fail.
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  check(1, { 'before throw': () => true });
  check(1, { 'throws': () => { throw new Error('check boom'); } });
  console.log('not reached');
}
