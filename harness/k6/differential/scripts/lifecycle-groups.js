// setup and teardown run in their own groups; checks there carry ::setup / ::teardown.
import { check, group } from 'k6';
export const options = { iterations: 1 };
export function setup() {
  check(1, { 'in setup': () => true });
  group('inside setup', () => check(1, { 'nested in setup': () => true }));
}
export default function () {
  check(1, { 'in default': () => true });
}
export function teardown() {
  check(1, { 'in teardown': () => true });
}
