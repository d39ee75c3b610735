/**
 * Globals k6 provides that @types/k6 (2.x) does not declare. The compile step adds this
 * file to every type-check (also for scripts outside scenarios/), so `console.log` type-checks
 * without pulling in the DOM lib (which would claim `fetch`, `window`, ... exist in a VU).
 */
interface K6Console {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}
declare var console: K6Console;

/** k6 >= 0.43 has the timers globally (k6/timers). */
declare function setTimeout(callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): number;
declare function clearTimeout(id?: number): void;
declare function setInterval(callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): number;
declare function clearInterval(id?: number): void;

/**
 * k6 v1+: WebCrypto is global (`crypto.subtle`, `crypto.getRandomValues`, `crypto.randomUUID`);
 * @types/k6 2.x does not declare it and the DOM lib would claim far more than a VU has.
 * Keys and key pairs are `any`: their shape depends on the algorithm, as in the Web Crypto API.
 */
type K6BufferSource = ArrayBuffer | ArrayBufferView;
type K6Algorithm = string | { name: string; [param: string]: unknown };
interface K6SubtleCrypto {
  digest(algorithm: K6Algorithm, data: K6BufferSource): Promise<ArrayBuffer>;
  generateKey(algorithm: K6Algorithm, extractable: boolean, keyUsages: string[]): Promise<any>;
  importKey(format: string, keyData: K6BufferSource | object, algorithm: K6Algorithm, extractable: boolean, keyUsages: string[]): Promise<any>;
  exportKey(format: string, key: any): Promise<any>;
  sign(algorithm: K6Algorithm, key: any, data: K6BufferSource): Promise<ArrayBuffer>;
  verify(algorithm: K6Algorithm, key: any, signature: K6BufferSource, data: K6BufferSource): Promise<boolean>;
  encrypt(algorithm: K6Algorithm, key: any, data: K6BufferSource): Promise<ArrayBuffer>;
  decrypt(algorithm: K6Algorithm, key: any, data: K6BufferSource): Promise<ArrayBuffer>;
  deriveBits(algorithm: K6Algorithm, baseKey: any, length: number): Promise<ArrayBuffer>;
}
declare var crypto: {
  readonly subtle: K6SubtleCrypto;
  getRandomValues<T extends ArrayBufferView>(array: T): T;
  randomUUID(): string;
};
