/**
 * Soak: 50 VUs for a long time (30 m unless --duration / HARNESS_DURATION says otherwise): leaks, queue growth, drift.
 *
 * SLO: the worker keeps up, so back-pressure stays near zero over the whole run:
 * ingest_backpressure rate<0.001, ingest_errors rate<0.001, http_req_duration p(95)<200 and
 * p(99)<500. Overrides: --duration (the point of a soak), --vus, HARNESS_THINK_TIME (1 s).
 */
import { sleep } from 'k6';
import type { Options } from 'k6/options';
import { checkIngest, constantVus, makeBatch, makeSample, postBatch, postSample, thinkTime } from './lib';

export const options: Options = {
  scenarios: { soak: constantVus({ vus: 50, duration: '30m' }) },
  thresholds: {
    ingest_backpressure: ['rate<0.001'],
    ingest_errors: ['rate<0.001'],
    http_req_duration: ['p(95)<200', 'p(99)<500'],
  },
};

const pause = thinkTime(1);

export default function (): void {
  if (__ITER % 20 === 19) checkIngest(postBatch(makeBatch(__VU, __ITER)), 'tolerate');
  else checkIngest(postSample(makeSample(__VU, __ITER)), 'tolerate');
  sleep(pause);
}
