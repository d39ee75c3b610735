// k6: nested groups; check paths and group return values.
import { check, group } from 'k6';
export const options = { iterations: 2 };
export default function () {
  const r = group('outer', () => {
    check(1, { 'in outer': () => true });
    return group('inner', () => {
      check(1, { 'in inner': () => true });
      return 42;
    });
  });
  console.log('group returned', r);
  check(1, { 'at root': () => true });
  group('with ::colons', () => check(1, { c: () => true }));
}
