import assert from 'node:assert/strict';
import { parseThresholdExpression, sinkKey, compare, type ThresholdExpression } from './parser';

describe('threshold expression parser', () => {
  const ok: Array<[string, ThresholdExpression]> = [
    ['p(95)<200', { method: 'p', percentile: 95, operator: '<', value: 200 }],
    ['p(99.9) <= 1500.5', { method: 'p', percentile: 99.9, operator: '<=', value: 1500.5 }],
    ['p(0)>=0', { method: 'p', percentile: 0, operator: '>=', value: 0 }],
    ['p(100)>1', { method: 'p', percentile: 100, operator: '>', value: 1 }],
    ['avg<100', { method: 'avg', operator: '<', value: 100 }],
    ['min > 1', { method: 'min', operator: '>', value: 1 }],
    ['max<0.001', { method: 'max', operator: '<', value: 0.001 }],
    ['med==5', { method: 'med', operator: '==', value: 5 }],
    ['count===10', { method: 'count', operator: '===', value: 10 }],
    ['rate!=0', { method: 'rate', operator: '!=', value: 0 }],
    ['rate<0.01', { method: 'rate', operator: '<', value: 0.01 }],
    ['value>=-3', { method: 'value', operator: '>=', value: -3 }],
    ['count>1e3', { method: 'count', operator: '>', value: 1000 }],
    ['  rate   <   .5  ', { method: 'rate', operator: '<', value: 0.5 }],
  ];
  for (const [input, want] of ok) {
    it(`parses ${JSON.stringify(input)}`, () => {
      const got = parseThresholdExpression(input);
      assert.deepEqual({ ...got, percentile: got.percentile }, { ...want, percentile: want.percentile });
    });
  }

  const bad: Array<[string, RegExp]> = [
    ['p(95)<abc', /^failed parsing threshold "p\(95\)<abc": right-hand side "abc" is not a number$/],
    ['p(95)', /no operator/],
    ['', /no operator/],
    ['p95<200', /left-hand side: unknown aggregation method "p95"/],
    ['p(abc)<200', /malformed percentile value "abc"/],
    ['p(101)<200', /out of range 0\.\.100/],
    ['average<200', /unknown aggregation method "average"; valid: value, count, rate, avg, min, med, max, p\(N\)/],
    ['rate<', /right-hand side "" is not a number/],
    ['p(95)=<200', /unknown aggregation method "p\(95\)="/], // k6 splits at the first "<" too
    ['rate<0.1<0.2', /right-hand side "0.1<0.2"/],
    ['rate = 0', /no operator/],
  ];
  for (const [input, want] of bad) {
    it(`rejects ${JSON.stringify(input)} quoting it`, () => {
      assert.throws(() => parseThresholdExpression(input), (e: Error) => {
        assert.match(e.message, want);
        assert.ok(e.message.startsWith(`failed parsing threshold ${JSON.stringify(input)}: `));
        return true;
      });
    });
  }

  it('keys percentiles as the evaluator stores them', () => {
    assert.equal(sinkKey(parseThresholdExpression('p(99.9)<1')), 'p(99.9)');
    assert.equal(sinkKey(parseThresholdExpression('avg<1')), 'avg');
  });

  it('compares with every operator (== and === alike)', () => {
    const table: Array<[number, Parameters<typeof compare>[1], number, boolean]> = [
      [1, '<', 2, true], [2, '<', 2, false], [2, '<=', 2, true], [3, '>', 2, true], [2, '>=', 2, true],
      [2, '==', 2, true], [2, '===', 2, true], [2, '!=', 2, false], [1, '!=', 2, true],
    ];
    for (const [a, op, b, want] of table) assert.equal(compare(a, op, b), want, `${a}${op}${b}`);
  });
});
