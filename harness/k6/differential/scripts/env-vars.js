// __ENV from -e and the environment, __VU and __ITER in the init context (VU 1) and in iterations.
// @flags -e FROM_FLAG=flag
// @env FROM_ENV=env
if (__VU === 1) console.log('init', __VU, typeof __ITER);
export const options = { iterations: 2 };
export default function () {
  console.log(__ENV.FROM_FLAG, __ENV.FROM_ENV, __VU, __ITER, typeof __ENV.NOPE);
}
