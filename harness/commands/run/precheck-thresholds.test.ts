import assert from 'node:assert/strict';
import { precheckThresholds } from './precheck-thresholds';

describe('run: threshold pre-check', () => {
  it('accepts valid literal thresholds and counts them', () => {
    const src = `var options = { thresholds: { http_req_failed: ['rate<0.01'], 'http_req_duration{status:200}': [{ threshold: 'p(95)<200', abortOnFail: true }] } }; export { options };`;
    assert.deepEqual(precheckThresholds(src, 'x'), {
      checked: 1,
      literals: [{ http_req_failed: ['rate<0.01'], 'http_req_duration{status:200}': [{ threshold: 'p(95)<200', abortOnFail: true }] }],
    });
  });

  it('rejects every malformed one at once (exit 104)', () => {
    const src = `export const options = { thresholds: { http_req_duration: ['p95<200', 'p(95)<abc'], checks: ['rate==1'] } };`;
    assert.throws(
      () => precheckThresholds(src, 'bad.ts'),
      (e: Error & { exitCode?: number; problems?: string[] }) => e.exitCode === 104 && e.problems!.length === 2 && /p95<200/.test(e.message),
    );
  });

  it('leaves computed thresholds to the engine', () => {
    const src = `const limit = __ENV.LIMIT; export const options = { thresholds: { http_req_duration: ['p(95)<' + limit] } };`;
    assert.deepEqual(precheckThresholds(src, 'x'), { checked: 0, literals: [] });
  });
});
