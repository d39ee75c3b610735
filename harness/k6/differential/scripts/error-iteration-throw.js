// An exception in an iteration is logged and the test goes on (exit 0).
export const options = { iterations: 2 };
export default function () {
  console.log('iteration', __ITER);
  throw new Error(`iteration boom ${__ITER}`);
}
