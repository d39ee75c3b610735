// JS semantics: helpers called from constructors, getters, static factories, toString, replacers, comparators, iterators keep their values.
import http from 'k6/http';
import { sleep, group, check } from 'k6';
export const options = { iterations: 1 };

const pad = (n) => String(n).padStart(3, '0');
class Box {
  constructor(n) { this.v = pad(n); }
  get label() { return 'box-' + pad(this.v.length); }
  set size(n) { this._s = pad(n); }
  static of(n) { return new Box(n); }
  toString() { return `Box(${pad(this.v)})`; }
  valueOf() { return Number(pad(1)); }
  *[Symbol.iterator]() { yield pad(1); yield pad(2); }
}
function fmt(k, v) { return typeof v === 'number' ? pad(v) : v; }
function wrap(k, v) { return k === 'inner' ? { wrapped: String(v) } : v; }
function byLen(a, b) { return pad(a.length) < pad(b.length) ? -1 : 1; }

export default function () {
  const b = new Box(7);
  console.log('ctor', JSON.stringify(b.v), typeof b.v);
  console.log('getter', b.label);
  b.size = 4;
  console.log('setter', b._s);
  console.log('static', Box.of(12).v);
  console.log('template', `${b}`, String(b), b + '');
  console.log('valueOf', b * 2);
  console.log('iterator', [...b].join(','));
  console.log('replacer', JSON.stringify({ a: 1, b: 'x', n: [2, 3] }, fmt));
  console.log('replacer object', JSON.stringify({ inner: 5 }, wrap));
  console.log('reviver', JSON.stringify(JSON.parse('{"a":1,"b":[2]}', (k, v) => (typeof v === 'number' ? pad(v) : v))));
  console.log('sort', ['ccc', 'a', 'bb'].sort(byLen).join(','));
  console.log('map', [1, 2].map(pad).join(','));
  console.log('promise', typeof Promise.resolve(pad(1)).then, Object.prototype.toString.call(Promise.resolve(1)));
  const res = http.get(`${__ENV.BASE_URL}/health`);
  group('g', () => {
    [1, 2].forEach((i) => http.get(`${__ENV.BASE_URL}/echo?i=${i}`));
  });
  console.log('group value', group('h', () => pad(3)));
  check(res, { 'status 200': (r) => r.status === 200 });
  sleep(0.01);
}
