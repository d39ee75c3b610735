/**
 * `k6/encoding`: b64encode / b64decode with Go's four alphabets: std (padded), rawstd,
 * url (URL-safe, padded), rawurl (any other encoding argument is std, as in k6). Decoding is
 * strict like Go's (bad input throws).
 */
import { types } from 'node:util';
import type { ModuleFactory } from '../types';
import { toArrayBuffer, toBuffer } from './bytes';

type Enc = 'std' | 'rawstd' | 'url' | 'rawurl';

/** As k6: any other value, missing, null or unknown (`'nope'`), is std. */
function encoding(e: unknown): Enc {
  return e === 'rawstd' || e === 'url' || e === 'rawurl' ? e : 'std';
}

/** k6 takes a string, an ArrayBuffer or a typed array; other values throw with Go's type name. */
function input(v: unknown): Buffer {
  // isAnyArrayBuffer, not instanceof: the script's ArrayBuffer comes from another realm.
  if (typeof v === 'string' || types.isAnyArrayBuffer(v) || ArrayBuffer.isView(v)) return toBuffer(v);
  const goType =
    typeof v === 'number' ? (Number.isInteger(v) ? 'int64' : 'float64')
    : typeof v === 'boolean' ? 'bool'
    : Array.isArray(v) ? '[]interface {}'
    : v === null || v === undefined ? '<nil>'
    : 'map[string]interface {}';
  throw new Error(`invalid type ${goType}, expected string, []byte or ArrayBuffer`);
}

export function b64encode(data: unknown, enc?: unknown): string {
  const e = encoding(enc);
  let s = input(data).toString('base64');
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
