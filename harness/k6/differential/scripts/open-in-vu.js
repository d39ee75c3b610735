// open(): only in the init context.
export const options = { iterations: 1 };
export default function () {
  try {
    open('./data-text.txt');
    console.log('opened');
  } catch (e) {
    console.log('threw', String(e));
  }
}
