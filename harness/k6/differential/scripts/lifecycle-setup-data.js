// setup() data reaches each iteration and teardown() as a copy.
export const options = { iterations: 2 };
export function setup() {
  console.log('setup');
  return { n: 1, list: [1, 2], nested: { s: '\u00e9' } };
}
export default function (data) {
  console.log('iter', data.n, JSON.stringify(data.list), data.nested.s);
  data.n++;
}
export function teardown(data) {
  console.log('teardown', data.n, JSON.stringify(data.list), data.nested.s);
}
