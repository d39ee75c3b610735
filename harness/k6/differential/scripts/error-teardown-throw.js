// An exception in teardown(): exit 107 after the iterations ran.
export const options = { iterations: 1 };
export default function () {
  console.log('iteration');
}
export function teardown() {
  throw new Error('teardown boom');
}
