// k6/execution: what the init context can read.
import exec from 'k6/execution';
function tryIt(label, f) {
  try {
    console.log(label, JSON.stringify(f()));
  } catch (e) {
    console.log(label, 'threw', String(e));
  }
}
if (__VU === 1) {
  tryIt('vu id', () => exec.vu.idInTest);
  tryIt('scenario', () => exec.scenario.name);
}
export const options = { iterations: 1 };
export default function () {}
