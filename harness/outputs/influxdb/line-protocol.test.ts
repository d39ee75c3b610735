import assert from 'node:assert/strict';
import { encodeLine, msToNs, secondsToNs } from './line-protocol';

describe('influxdb: line protocol', () => {
  const cases: Array<[string, Parameters<typeof encodeLine>, string | undefined]> = [
    ['sorted tags, float and int fields', ['http_reqs', { status: '200', method: 'GET' }, { count: { int: 3 }, mean: 1.5 }, '1000'], 'http_reqs,method=GET,status=200 count=3i,mean=1.5 1000'],
    ['escapes measurement, keys and values', ['my metric,x', { 'a b': 'c,d=e' }, { value: 1 }, '1'], 'my\\ metric\\,x,a\\ b=c\\,d\\=e value=1 1'],
    ['string fields quoted and escaped', ['m', {}, { url: 'http://x/"q"\\' }, '1'], 'm url="http://x/\\"q\\"\\\\" 1'],
    ['empty tag values are left out', ['m', { a: '', b: 'x' }, { value: 2 }, '1'], 'm,b=x value=2 1'],
    ['non-finite fields are left out', ['m', {}, { value: NaN, p99: 4 }, '1'], 'm p99=4 1'],
    ['no writable field: no line', ['m', {}, { value: Infinity }, '1'], undefined],
  ];
  for (const [name, args, want] of cases) it(name, () => assert.equal(encodeLine(...args), want));

  it('timestamps in ns, exact to the µs from a float ms time (same sample, same timestamp)', () => {
    assert.equal(msToNs(1764485000123.456), '1764485000123456000');
    assert.equal(msToNs(1764485000123.4561), msToNs(1764485000123.4559));
    assert.equal(secondsToNs(1764485000), '1764485000000000000');
  });
});
