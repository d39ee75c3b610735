// Throwing a non-Error value in an iteration.
export const options = { iterations: 1 };
export default function () {
  throw 'a string';
}
