// k6/execution: exec.test.options.scenarios as k6 renders explicit scenarios (fields, nulls, Go durations).
import exec from 'k6/execution';
export const options = {
  scenarios: {
    zeta: { executor: 'per-vu-iterations', vus: 1, iterations: 1, startTime: '0s', gracefulStop: '90s', tags: { b: '2', a: '1' }, env: { Z: 'z' }, exec: 'other' },
    alpha: { executor: 'shared-iterations', iterations: 1, maxDuration: '1m' },
  },
};
export function other() {}
export default function () {
  const s = exec.test.options.scenarios;
  console.log(exec.scenario.name, JSON.stringify(s));
}
