import type { Hypothesis } from '../experiment/types';

/** The gateway's promise under Redis trouble: ready when healthy, fast 429/503 otherwise, no hangs. */
export const steadyState: Hypothesis = {
  probes: [
    { name: 'gateway ready', kind: 'http', path: '/health/ready', expectStatus: 200 },
    { name: 'queue drains', kind: 'queue-depth', max: 5000 },
  ],
  thresholds: {
    'http_req_failed{phase:baseline}': ['rate<0.01'],
    // No hangs: even during faults the gateway answers well within the client timeout.
    http_req_duration: ['p(99)<4000'],
  },
  errorRateSlo: 0.05,
};
