// ref2-like: failing checks and thresholds, a submetric with no samples, exit 99.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  vus: 3,
  iterations: 9,
  thresholds: {
    http_req_duration: ['p(95)<0.0001'],
    'http_req_duration{status:202}': [{ threshold: 'max<0.001', abortOnFail: false }],
    http_req_failed: ['rate<0.01'],
    'http_reqs{status:400}': ['count==9'],
  },
};

export default function () {
  check(http.post(`${__ENV.BASE_URL}/telemetry`, '{bad json'), { 'is 202': (r) => r.status === 202 });
}
