// open(): text (UTF-8) and binary ('b') reads.
const text = open('./data-text.txt');
const bin = open('./data-text.txt', 'b');
export const options = { iterations: 1 };
export default function () {
  console.log(JSON.stringify(text), text.length);
  console.log(Object.prototype.toString.call(bin), bin.byteLength);
}
