// k6: sleep with zero, small and string-like values.
import { sleep } from 'k6';
export const options = { iterations: 1 };
export default function () {
  console.log('sleep 0', sleep(0));
  console.log('sleep ms', sleep(0.001));
  console.log('sleep string', sleep('0.001'));
}
