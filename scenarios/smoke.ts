/**
 * Smoke: 10 VUs for 30 s post single samples and batches and poll /health; every check must pass.
 *
 * SLO: checks rate==1, http_req_failed rate==0 (back-pressure fails the run: none is expected at
 * this load). Overrides: --vus, --duration, HARNESS_THINK_TIME (default 0.5 s).
 */
import { sleep } from 'k6';
import type { Options } from 'k6/options';
import { checkHealthy, checkIngest, constantVus, getHealth, makeBatch, makeSample, postBatch, postSample, thinkTime } from './lib';

export const options: Options = {
  scenarios: { smoke: constantVus({ vus: 10, duration: '30s' }) },
  thresholds: {
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
  },
};

const pause = thinkTime(0.5);

export default function (): void {
  if (__ITER % 5 === 4) checkIngest(postBatch(makeBatch(__VU, __ITER)));
  else checkIngest(postSample(makeSample(__VU, __ITER)));
  if (__ITER % 10 === 0) checkHealthy(getHealth());
  sleep(pause);
}
