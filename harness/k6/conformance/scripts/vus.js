// Looping executors: constant-vus, ramping-vus with gracefulRampDown, gracefulStop interrupting a
// long iteration.
import http from 'k6/http';
import { sleep } from 'k6';

export const options = {
  scenarios: {
    constant: { executor: 'constant-vus', vus: 2, duration: '1s', exec: 'quick' },
    ramp: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '500ms', target: 3 }, { duration: '500ms', target: 0 }], gracefulRampDown: '100ms', exec: 'quick' },
    stuck: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '300ms', exec: 'stuck' },
  },
};

export function quick() {
  http.get(`${__ENV.BASE_URL}/health`);
  sleep(0.1);
}

export function stuck() {
  sleep(3);
}
