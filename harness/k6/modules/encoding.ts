/**
 * `k6/encoding`: b64encode / b64decode with Go's four alphabets: std (padded), rawstd,
 * url (URL-safe, padded), rawurl. Decoding is strict like Go's (bad input throws).
 */
import type { ModuleFactory } from '../types';
import { toArrayBuffer, toBuffer } from './bytes';

type Enc = 'std' | 'rawstd' | 'url' | 'rawurl';

function encoding(e: unknown): Enc {
  const s = e === undefined || e === '' ? 'std' : String(e);
  if (s === 'std' || s === 'rawstd' || s === 'url' || s === 'rawurl') return s;
  throw new Error(`unsupported base64 encoding "${s}"; valid: std, rawstd, url, rawurl`);
}

export function b64encode(input: unknown, enc?: unknown): string {
  const e = encoding(enc);
  let s = toBuffer(input).toString('base64');
  if (e === 'url' || e === 'rawurl') s = s.replace(/\+/g, '-').replace(/\//g, '_');
  if (e === 'rawstd' || e === 'rawurl') s = s.replace(/=+$/, '');
  return s;
}

export function b64decodeBytes(input: unknown, enc?: unknown): Buffer {
  const e = encoding(enc);
  const s = String(input);
  const alphabet = e === 'url' || e === 'rawurl' ? /[A-Za-z0-9\-_]/ : /[A-Za-z0-9+/]/;
  const padded = e === 'std' || e === 'url';
  let body = s;
  if (padded) {
    if (s.length % 4 !== 0) throw new Error(`illegal base64 data at input byte ${s.length - (s.length % 4)}`);
    body = s.replace(/={1,2}$/, '');
  } else if (s.length % 4 === 1) throw new Error(`illegal base64 data at input byte ${s.length - 1}`);
  for (let i = 0; i < body.length; i++) {
    if (!alphabet.test(body[i])) throw new Error(`illegal base64 data at input byte ${i}`);
  }
  return Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

export function b64decode(input: unknown, enc?: unknown, format?: unknown): ArrayBuffer | string {
  const b = b64decodeBytes(input, enc);
  return format === 's' ? b.toString('utf8') : toArrayBuffer(b);
}

export const encodingModule: ModuleFactory = () => ({ b64encode, b64decode });
