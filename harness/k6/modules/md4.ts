/** MD4 (RFC 1320): k6/crypto offers it, OpenSSL 3 no longer does by default. */
export function md4(data: Buffer): Buffer {
  const len = data.length;
  const blocks = ((len + 8) >> 6) + 1;
  const m = new Uint32Array(blocks * 16);
  for (let i = 0; i < len; i++) m[i >> 2] |= data[i] << ((i % 4) * 8);
  m[len >> 2] |= 0x80 << ((len % 4) * 8);
  m[blocks * 16 - 2] = (len * 8) >>> 0;
  m[blocks * 16 - 1] = Math.floor((len * 8) / 0x100000000);
  let a = 0x67452301, b = 0xefcdab89, c = 0x98badcfe, d = 0x10325476;
  const rol = (x: number, n: number) => (x << n) | (x >>> (32 - n));
  const F = (x: number, y: number, z: number) => (x & y) | (~x & z);
  const G = (x: number, y: number, z: number) => (x & y) | (x & z) | (y & z);
  const H = (x: number, y: number, z: number) => x ^ y ^ z;
  for (let i = 0; i < m.length; i += 16) {
    const [aa, bb, cc, dd] = [a, b, c, d];
    const X = (k: number) => m[i + k];
    for (const k of [0, 4, 8, 12]) {
      a = rol((a + F(b, c, d) + X(k)) | 0, 3);
      d = rol((d + F(a, b, c) + X(k + 1)) | 0, 7);
      c = rol((c + F(d, a, b) + X(k + 2)) | 0, 11);
      b = rol((b + F(c, d, a) + X(k + 3)) | 0, 19);
    }
    for (const k of [0, 1, 2, 3]) {
      a = rol((a + G(b, c, d) + X(k) + 0x5a827999) | 0, 3);
      d = rol((d + G(a, b, c) + X(k + 4) + 0x5a827999) | 0, 5);
      c = rol((c + G(d, a, b) + X(k + 8) + 0x5a827999) | 0, 9);
      b = rol((b + G(c, d, a) + X(k + 12) + 0x5a827999) | 0, 13);
    }
    for (const k of [0, 2, 1, 3]) {
      a = rol((a + H(b, c, d) + X(k) + 0x6ed9eba1) | 0, 3);
      d = rol((d + H(a, b, c) + X(k + 8) + 0x6ed9eba1) | 0, 9);
      c = rol((c + H(d, a, b) + X(k + 4) + 0x6ed9eba1) | 0, 11);
      b = rol((b + H(c, d, a) + X(k + 12) + 0x6ed9eba1) | 0, 15);
    }
    a = (a + aa) | 0; b = (b + bb) | 0; c = (c + cc) | 0; d = (d + dd) | 0;
  }
  const out = Buffer.alloc(16);
  [a, b, c, d].forEach((v, i) => out.writeInt32LE(v, i * 4));
  return out;
}

/** HMAC (RFC 2104) over any 64-byte-block hash; used for md4, which OpenSSL lacks. */
export function hmacWith(hash: (b: Buffer) => Buffer, key: Buffer, data: Buffer): Buffer {
  let k = key.length > 64 ? hash(key) : key;
  k = Buffer.concat([k, Buffer.alloc(64 - k.length)]);
  const ipad = Buffer.from(k.map((x) => x ^ 0x36));
  const opad = Buffer.from(k.map((x) => x ^ 0x5c));
  return hash(Buffer.concat([opad, hash(Buffer.concat([ipad, data]))]));
}
