import { sleep } from 'k6';

export const options = { setupTimeout: '300ms', iterations: 1 };

export function setup() {
  sleep(2);
}

export default function () {}
