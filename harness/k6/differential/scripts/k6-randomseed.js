// k6: randomSeed makes Math.random repeatable.
import { randomSeed } from 'k6';
export const options = { iterations: 1 };
export default function () {
  randomSeed(42);
  const a = [Math.random(), Math.random()];
  randomSeed(42);
  const b = [Math.random(), Math.random()];
  console.log('repeats', a[0] === b[0] && a[1] === b[1], a[0] >= 0 && a[0] < 1);
}
