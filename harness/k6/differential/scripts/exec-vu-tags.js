// k6/execution: exec.vu.tags holds the scenario tag; tags set there go on the VU's metrics.
import exec from 'k6/execution';
import { check } from 'k6';
export const options = { scenarios: { sc: { executor: 'per-vu-iterations', vus: 1, iterations: 2, tags: { team: 'a' } } }, thresholds: { 'checks{mine:yes}': ['rate==1'] } };
export default function () {
  const t = exec.vu.tags;
  console.log(JSON.stringify(Object.keys(t).sort().map((k) => [k, t[k]])), t.scenario, 'team' in t);
  exec.vu.tags.mine = 'yes';
  console.log(exec.vu.tags.mine, JSON.stringify(Object.keys(exec.vu.tags).sort()));
  check(1, { tagged: () => true });
}
