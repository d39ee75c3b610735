// k6: the values randomSeed(1) gives (k6 uses Go's math/rand source).
import { randomSeed } from 'k6';
export const options = { iterations: 1 };
export default function () {
  randomSeed(1);
  console.log(Math.random(), Math.random(), Math.random());
}
