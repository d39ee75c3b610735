// k6/execution: exec.test.abort() stops the test (exit 108) and skips the rest.
import exec from 'k6/execution';
export const options = { iterations: 5 };
export default function () {
  console.log('iteration', exec.scenario.iterationInTest);
  if (exec.scenario.iterationInTest === 1) exec.test.abort('enough');
}
export function teardown() {
  console.log('teardown runs');
}
