// Arrival-rate executors: rate accuracy, ramping by stages, dropped_iterations when VUs run out.
import http from 'k6/http';
import { sleep } from 'k6';

export const options = {
  scenarios: {
    constant: { executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '2s', preAllocatedVUs: 4, exec: 'hit' },
    ramping: {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: '1s',
      preAllocatedVUs: 4,
      maxVUs: 8,
      stages: [{ duration: '1s', target: 40 }, { duration: '1s', target: 40 }],
      exec: 'hit',
    },
    starved: { executor: 'constant-arrival-rate', rate: 20, duration: '1s', preAllocatedVUs: 1, maxVUs: 1, exec: 'slow' },
  },
};

export function hit() {
  http.post(`${__ENV.BASE_URL}/telemetry`, '{"a":1}');
}

export function slow() {
  sleep(0.25);
}
