// Helpers imported by js-blocking-helpers.js (a module of its own, so the analysis crosses imports).
import http from 'k6/http';
import { sleep } from 'k6';

export const pad = (n) => String(n).padStart(3, '0');

export function retry(f) {
  for (let i = 0; i < 3; i++) {
    try {
      return f();
    } catch (e) {
      if (i === 2) throw e;
    }
  }
  return undefined;
}

export class Api {
  constructor(base) {
    this.base = base;
    this.calls = 0;
  }
  static create(base) {
    const a = new Api(base);
    a.ping();
    return a;
  }
  ping() {
    this.last = http.get(`${this.base}/health`).status;
  }
  echo(i) {
    this.calls++;
    return http.get(`${this.base}/echo?i=${i}`);
  }
  cmp(x, y) {
    sleep(0.001); // blocks; how often a sort calls its comparator differs between engines
    return x < y ? -1 : x > y ? 1 : 0;
  }
  get label() {
    return `api-${pad(this.calls)}`;
  }
  toString() {
    return `Api(${pad(this.last)})`;
  }
}
