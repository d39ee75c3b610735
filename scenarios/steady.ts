/**
 * Steady: constant arrival rate of 50 samples/s for 5 min; the background load for chaos experiments.
 *
 * Arrival-rate keeps offering load while the target degrades (VUs do not slow down with it), so
 * faults show up as latency, back-pressure and dropped_iterations instead of silently lower
 * throughput. Back-pressure is tolerated and measured. SLO: ingest_errors rate<0.01,
 * http_req_duration{expected_response:true} p(99)<1000. Overrides: HARNESS_RATE (50/s),
 * --duration, --vus sets maxVUs (default 200).
 */
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { checkIngest, constantArrivalRate, makeSample, postSample } from './lib';

export const options: Options = {
  scenarios: {
    steady: constantArrivalRate({ rate: 50, duration: '5m', preAllocatedVUs: 20, maxVUs: 200, gracefulStop: '10s' }),
  },
  thresholds: {
    ingest_errors: ['rate<0.01'],
    'http_req_duration{expected_response:true}': ['p(99)<1000'],
  },
};

export default function (): void {
  checkIngest(postSample(makeSample(exec.vu.idInTest, exec.scenario.iterationInTest)), 'tolerate');
}
