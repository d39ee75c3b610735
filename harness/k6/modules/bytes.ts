/** Byte conversions shared by k6/encoding and k6/crypto (inputs may come from another realm). */
import { types } from 'node:util';

export function toBuffer(v: unknown): Buffer {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (types.isAnyArrayBuffer(v)) return Buffer.from(v as ArrayBuffer);
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return Buffer.from(v as number[]);
  return Buffer.from(String(v), 'utf8');
}

export function toArrayBuffer(b: Buffer): ArrayBuffer {
  const ab = new ArrayBuffer(b.byteLength);
  new Uint8Array(ab).set(b);
  return ab;
}
