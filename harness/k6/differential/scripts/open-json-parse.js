// open() + JSON.parse in the init context; a relative path from the script's folder.
const users = JSON.parse(open('./data-users.json'));
const again = JSON.parse(open('data-users.json'));
export const options = { iterations: 1 };
export default function () {
  console.log(users.length, users[0].name, again.length === users.length);
}
