// k6/data: one SharedArray read by several VUs, one element per iteration.
import { SharedArray } from 'k6/data';
import { check } from 'k6';
import exec from 'k6/execution';
const users = new SharedArray('users', () => JSON.parse(open('./data-users.json')));
export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 2, iterations: 3 } }, thresholds: { checks: ['rate==1'] } };
export default function () {
  const u = users[exec.scenario.iterationInTest];
  check(u, { 'has id': (x) => x.id === exec.scenario.iterationInTest + 1 });
}
