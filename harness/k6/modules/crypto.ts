/**
 * `k6/crypto`: one-shot hashes, hmac, createHash/createHMAC (update/digest), randomBytes.
 * Output encodings as k6: hex, base64, base64url (padded), base64rawurl, binary (ArrayBuffer).
 */
import nodeCrypto from 'node:crypto';
import type { ModuleFactory } from '../types';
import { toArrayBuffer, toBuffer } from './bytes';
import { hmacWith, md4 } from './md4';

const ALGORITHMS: Record<string, string> = {
  md4: 'md4',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sha512_224: 'sha512-224',
  sha512_256: 'sha512-256',
  ripemd160: 'ripemd160',
};

function algorithm(a: unknown): string {
  const alg = ALGORITHMS[String(a)];
  // k6's own texts (scripts match on them), so no list of valid values appended.
  if (!alg) throw new Error(`invalid algorithm: ${String(a)}`);
  return alg;
}

export function encodeDigest(b: Buffer, enc: unknown): string | ArrayBuffer {
  switch (enc === undefined ? 'hex' : String(enc)) {
    case 'hex':
      return b.toString('hex');
    case 'base64':
      return b.toString('base64');
    case 'base64url':
      return b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    case 'base64rawurl':
      return b.toString('base64url');
    case 'binary':
      return toArrayBuffer(b);
    default:
      throw new Error(`invalid output encoding: ${String(enc)}`);
  }
}

/**
 * Incremental hash/HMAC. digest() does not end it (k6 gives Go's Sum: a second digest(), or an
 * update() after one, goes on from the same state), so a hash digests a copy of itself, and an
 * HMAC (which Node cannot copy) and md4 (which Node's OpenSSL lacks) keep their input.
 */
class Hasher {
  private readonly parts: Buffer[] = [];
  private readonly h: nodeCrypto.Hash | null;

  constructor(private readonly alg: string, private readonly key?: Buffer) {
    this.h = alg === 'md4' || key ? null : nodeCrypto.createHash(alg);
  }

  update(input: unknown): void {
    const b = toBuffer(input);
    if (this.h) this.h.update(b);
    else this.parts.push(b);
  }

  digest(enc?: unknown): string | ArrayBuffer {
    return encodeDigest(this.rawDigest(), enc);
  }

  private rawDigest(): Buffer {
    if (this.h) return this.h.copy().digest();
    const data = Buffer.concat(this.parts);
    if (this.alg === 'md4') return this.key ? hmacWith(md4, this.key, data) : md4(data);
    return nodeCrypto.createHmac(this.alg, this.key!).update(data).digest();
  }
}

export const cryptoModule: ModuleFactory = () => {
  const hashFn = (name: string) => (input: unknown, enc?: unknown) => {
    const h = new Hasher(algorithm(name));
    h.update(input);
    return h.digest(enc);
  };
  const mod: Record<string, unknown> = {
    createHash: (alg: unknown) => hashObject(new Hasher(algorithm(alg))),
    createHMAC: (alg: unknown, secret: unknown) => hashObject(new Hasher(algorithm(alg), toBuffer(secret))),
    hmac: (alg: unknown, secret: unknown, data: unknown, enc?: unknown) => {
      const h = new Hasher(algorithm(alg), toBuffer(secret));
      h.update(data);
      return h.digest(enc);
    },
    randomBytes: (n: unknown) => {
      const size = Number(n);
      if (!Number.isInteger(size) || size < 1) throw new Error('invalid size');
      return toArrayBuffer(nodeCrypto.randomBytes(size));
    },
  };
  for (const name of Object.keys(ALGORITHMS)) mod[name] = hashFn(name);
  return mod;
};

/** Plain object (not a class instance) so scripts can call `h.update(x).digest()` style freely. */
function hashObject(h: Hasher) {
  return {
    update(input: unknown) {
      h.update(input);
    },
    digest(enc?: unknown) {
      return h.digest(enc);
    },
  };
}
