// k6/data: SharedArray from open()ed JSON: length, index, iteration, out of range, read-only.
import { SharedArray } from 'k6/data';
const users = new SharedArray('users', () => JSON.parse(open('./data-users.json')));
export const options = { iterations: 1 };
export default function () {
  console.log(users.length, users[0].name, users[2].id, JSON.stringify(users[5]));
  console.log(JSON.stringify(Array.from(users).map((u) => u.id)), users.map((u) => u.id).join(','));
  for (const u of users) console.log('iter', u.id);
  try {
    users[0].name = 'changed';
    console.log('after write', users[0].name);
  } catch (e) {
    console.log('write threw', e.name);
  }
}
