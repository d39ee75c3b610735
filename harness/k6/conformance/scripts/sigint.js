import http from 'k6/http';
import { sleep } from 'k6';

export const options = { vus: 2, duration: '20s' };

export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
  sleep(0.1);
}

export function teardown() {
  http.post(`${__ENV.BASE_URL}/echo`, 'teardown after sigint');
}
