// Options shortcuts: vus + iterations become a shared-iterations scenario named default.
import http from 'k6/http';
import exec from 'k6/execution';
export const options = { vus: 2, iterations: 4 };
export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
  if (exec.scenario.iterationInTest === 0) console.log(exec.scenario.name, exec.scenario.executor);
}
