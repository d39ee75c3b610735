import { sleep } from 'k6';

export const options = { teardownTimeout: '300ms', iterations: 1 };

export default function () {}

export function teardown() {
  sleep(2);
}
