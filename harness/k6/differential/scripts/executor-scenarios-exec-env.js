// Several scenarios: exec functions, env, tags, startTime.
import http from 'k6/http';
import exec from 'k6/execution';
export const options = { scenarios: {
  first: { executor: 'per-vu-iterations', vus: 1, iterations: 2, exec: 'one', env: { WHO: 'first' }, tags: { sc: '1' } },
  second: { executor: 'shared-iterations', vus: 1, iterations: 1, exec: 'two', startTime: '100ms', env: { WHO: 'second' } },
} };
export function one() {
  http.get(`${__ENV.BASE_URL}/status?code=201`);
  console.log(exec.scenario.name, __ENV.WHO);
}
export function two() {
  http.get(`${__ENV.BASE_URL}/status?code=202`);
  console.log(exec.scenario.name, __ENV.WHO);
}
