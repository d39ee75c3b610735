// console methods and how values are formatted.
export const options = { iterations: 1 };
export default function () {
  console.log('str', 1, 1.5, -0, true, null, undefined);
  console.log({ a: [1, { b: 'c' }], s: '\u00e9' }, [1, 2]);
  console.log(new Error('an error'));
  console.info('info');
  console.warn('warn');
  console.error('error');
  console.debug('debug hidden without -v');
  console.log(function f() {}, Symbol('s').toString(), new Date(0).toISOString());
  console.log('%s and %d', 'fmt', 5);
  console.log(new Map([[1, 2]]), new Set([1]), new Uint8Array([1, 2]));
}
