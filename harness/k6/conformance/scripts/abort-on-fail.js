// A threshold with abortOnFail stops a 20 s test early: exit 99.
import http from 'k6/http';
import { sleep } from 'k6';

export const options = {
  vus: 2,
  duration: '20s',
  thresholds: { http_reqs: [{ threshold: 'count<5', abortOnFail: true }] },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
  sleep(0.05);
}
