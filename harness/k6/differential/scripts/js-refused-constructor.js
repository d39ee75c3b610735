// JS semantics: a blocking call in a class constructor (real k6 runs it; the built-in engine refuses the script at load with file:line).
import http from 'k6/http';

export const options = { iterations: 1 };

class Page {
  constructor(url) {
    this.status = http.get(url).status;
  }
}

export default function () {
  console.log('status', new Page(`${__ENV.BASE_URL}/health`).status);
}
