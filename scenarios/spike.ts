/**
 * Spike: 10 VUs, a jump to 300 VUs in 5 s held for 20 s, then back to 10 to watch recovery (60 s).
 *
 * Back-pressure (429/503 with Retry-After) is tolerated and measured (ingest_backpressure); the
 * SLO is that nothing else goes wrong: ingest_errors rate<0.01, http_req_failed rate<0.01
 * (429/503 are expected statuses here), checks rate>0.99, http_req_duration p(95)<1000.
 * Overrides: --vus scales the 300 peak, --duration the 60 s profile, HARNESS_THINK_TIME (0.5 s).
 */
import { sleep } from 'k6';
import type { Options } from 'k6/options';
import { checkIngest, makeSample, postSample, rampingVus, thinkTime } from './lib';

export const options: Options = {
  scenarios: {
    spike: rampingVus({
      startVUs: 10,
      stages: [
        { duration: '10s', target: 10 },
        { duration: '5s', target: 300 },
        { duration: '20s', target: 300 },
        { duration: '5s', target: 10 },
        { duration: '20s', target: 10 },
      ],
      gracefulRampDown: '5s',
    }),
  },
  thresholds: {
    ingest_errors: ['rate<0.01'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
    http_req_duration: ['p(95)<1000'],
  },
};

const pause = thinkTime(0.5);

export default function (): void {
  checkIngest(postSample(makeSample(__VU, __ITER)), 'tolerate');
  sleep(pause);
}
