import http from 'k6/http';
import exec from 'k6/execution';
import { sleep } from 'k6';

export const options = { vus: 2, duration: '10s' };

export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
  if (exec.scenario.iterationInTest >= 5) exec.test.abort('enough for today');
  sleep(0.05);
}
