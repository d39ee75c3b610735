// k6/execution: vu, scenario and instance fields for a shared-iterations scenario.
import exec from 'k6/execution';
export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 3, tags: { t: 'x' } } } };
export default function () {
  console.log(exec.vu.idInTest, exec.vu.idInInstance, exec.vu.iterationInInstance, exec.vu.iterationInScenario, exec.scenario.name, exec.scenario.executor, exec.scenario.iterationInInstance, exec.scenario.iterationInTest, typeof exec.scenario.startTime, typeof exec.scenario.progress);
  console.log(exec.instance.vusInitialized, typeof exec.instance.vusActive, typeof exec.instance.iterationsCompleted, typeof exec.instance.currentTestRunDuration);
}
