/**
 * High concurrency: ramping VUs 50 -> 100 -> 200 over 90 s, one sample per iteration.
 *
 * SLO: http_req_failed rate<0.01 and http_req_duration p(95)<200 (back-pressure counts as
 * failure). Overrides: --vus scales the 200 peak (and 50/100 in proportion), --duration scales
 * the 90 s profile, HARNESS_THINK_TIME (default 0.5 s).
 */
import { sleep } from 'k6';
import type { Options } from 'k6/options';
import { checkIngest, makeSample, postSample, rampingVus, thinkTime } from './lib';

export const options: Options = {
  scenarios: {
    high_concurrency: rampingVus({
      startVUs: 50,
      stages: [
        { duration: '30s', target: 50 },
        { duration: '5s', target: 100 },
        { duration: '25s', target: 100 },
        { duration: '5s', target: 200 },
        { duration: '25s', target: 200 },
      ],
      gracefulRampDown: '10s',
    }),
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<200'],
  },
};

const pause = thinkTime(0.5);

export default function (): void {
  checkIngest(postSample(makeSample(__VU, __ITER)));
  sleep(pause);
}
