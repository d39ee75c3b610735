// An exception in setup(): exit 107, no iterations, teardown does not run.
export const options = { iterations: 1 };
export function setup() {
  throw new Error('setup boom');
}
export default function () {
  console.log('not reached');
}
export function teardown() {
  console.log('teardown');
}
