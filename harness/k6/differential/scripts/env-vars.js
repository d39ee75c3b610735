// __ENV from -e and the environment, __VU and __ITER in init and iterations.
// @flags -e FROM_FLAG=flag
// @env FROM_ENV=env
console.log('init', __VU, typeof __ITER);
export const options = { iterations: 2 };
export default function () {
  console.log(__ENV.FROM_FLAG, __ENV.FROM_ENV, __VU, __ITER, typeof __ENV.NOPE);
}
