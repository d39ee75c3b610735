// k6/execution: exec.test.options is the consolidated options, read-only.
import exec from 'k6/execution';
export const options = { iterations: 2, vus: 1, thresholds: { iterations: ['count==2'] }, tags: { env: 'diff' } };
export default function () {
  if (exec.vu.iterationInScenario > 0) return;
  const o = exec.test.options;
  console.log(JSON.stringify(o.scenarios), JSON.stringify(o.tags), JSON.stringify(o.thresholds));
  try {
    o.tags.env = 'x';
    console.log('after write', o.tags.env);
  } catch (e) {
    console.log('write threw', e.name);
  }
}
