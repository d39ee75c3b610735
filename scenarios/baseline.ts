/**
 * Baseline: 100 VUs for 2 minutes, 9 single samples to 1 batch; the reference run for regression gates.
 *
 * SLO: http_req_failed rate<0.01, http_req_duration p(95)<200 and p(99)<500, checks rate>0.99.
 * Keep its shape stable: regression gates compare runs of it. Overrides: --vus, --duration,
 * HARNESS_THINK_TIME (default 0.5 s), HARNESS_BATCH_SIZE (default 10).
 */
import { sleep } from 'k6';
import type { Options } from 'k6/options';
import { checkIngest, constantVus, makeBatch, makeSample, postBatch, postSample, thinkTime } from './lib';

export const options: Options = {
  scenarios: { baseline: constantVus({ vus: 100, duration: '2m' }) },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<200', 'p(99)<500'],
    checks: ['rate>0.99'],
  },
};

const pause = thinkTime(0.5);

export default function (): void {
  if (__ITER % 10 === 9) checkIngest(postBatch(makeBatch(__VU, __ITER)));
  else checkIngest(postSample(makeSample(__VU, __ITER)));
  sleep(pause);
}
