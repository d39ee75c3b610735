// Importing a module that does not exist: exit 107.
import nope from 'k6/nope';
export default function () {
  console.log(nope);
}
