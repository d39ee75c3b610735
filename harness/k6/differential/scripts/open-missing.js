// open(): a missing file fails the init context (exit 107).
const d = open('./no-such-file.txt');
export const options = { iterations: 1 };
export default function () {
  console.log(d);
}
