/**
 * The text of Go's `encoding/json` syntax error for a body JSON.parse refused, and the line and
 * character k6's `Response.json()` reports with it. Scripts and dashboards match on k6's words,
 * so the body is re-scanned byte by byte with the grammar Go's scanner enforces (only on failure:
 * parsing itself stays JSON.parse).
 */

/** `cannot parse json due to an error at line L, character C , error: <Go's message>` (k6 v0.48). */
export function k6JSONError(body: Buffer): string {
  const { message, offset } = goSyntaxError(body);
  // k6 counts runes up to Go's byte offset, lines from 1 and characters from 1 after each newline
  let line = 1;
  let character = 0;
  const text = body.toString('utf8');
  let i = 0;
  for (const ch of text) {
    if (ch === '\n') {
      line++;
      character = 0;
    }
    character++;
    if (i === offset) break;
    i += Buffer.byteLength(ch);
  }
  return `cannot parse json due to an error at line ${line}, character ${character} , error: ${message}`;
}

type Ctx = 'top' | 'object' | 'array';

/** Go's message and `SyntaxError.Offset` (bytes read, the bad one included) for invalid JSON. */
export function goSyntaxError(b: Buffer): { message: string; offset: number } {
  const stack: Ctx[] = [];
  let i = 0;
  const ws = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  const bad = (c: number, context: string) => ({ message: `invalid character ${quoteChar(c)} ${context}`, offset: i + 1 });
  const eof = { message: 'unexpected end of JSON input', offset: b.length };
  // At the end Go steps its scanner with one more space: inside a literal, a number or an escape
  // that space is the invalid character
  const eofIn = (context: string) => ({ message: `invalid character ' ' ${context}`, offset: b.length });
  const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
  const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

  // One value starting at b[i] (whitespace skipped); returns an error or undefined, i after the value.
  const value = (): { message: string; offset: number } | undefined => {
    while (i < b.length && ws(b[i])) i++;
    if (i >= b.length) return eof;
    const c = b[i];
    if (c === 0x7b /* { */) {
      i++;
      while (i < b.length && ws(b[i])) i++;
      if (i >= b.length) return eof;
      if (b[i] === 0x7d) return void i++;
      for (;;) {
        if (i >= b.length) return eof;
        if (b[i] !== 0x22) return bad(b[i], 'looking for beginning of object key string');
        const e = string();
        if (e) return e;
        while (i < b.length && ws(b[i])) i++;
        if (i >= b.length) return eof;
        if (b[i] !== 0x3a /* : */) return bad(b[i], 'after object key');
        i++;
        stack.push('object');
        const v = value();
        stack.pop();
        if (v) return v;
        while (i < b.length && ws(b[i])) i++;
        if (i >= b.length) return eof;
        if (b[i] === 0x7d) return void i++;
        if (b[i] !== 0x2c) return bad(b[i], 'after object key:value pair');
        i++;
        while (i < b.length && ws(b[i])) i++;
      }
    }
    if (c === 0x5b /* [ */) {
      i++;
      while (i < b.length && ws(b[i])) i++;
      if (i >= b.length) return eof;
      if (b[i] === 0x5d) return void i++;
      for (;;) {
        stack.push('array');
        const v = value();
        stack.pop();
        if (v) return v;
        while (i < b.length && ws(b[i])) i++;
        if (i >= b.length) return eof;
        if (b[i] === 0x5d) return void i++;
        if (b[i] !== 0x2c) return bad(b[i], 'after array element');
        i++;
      }
    }
    if (c === 0x22) return string();
    if (c === 0x2d || isDigit(c)) return number();
    for (const lit of ['true', 'false', 'null']) {
      if (c !== lit.charCodeAt(0)) continue;
      for (let k = 1; k < lit.length; k++) {
        i++;
        if (i >= b.length) return eofIn(`in literal ${lit} (expecting ${quoteChar(lit.charCodeAt(k))})`);
        if (b[i] !== lit.charCodeAt(k)) return bad(b[i], `in literal ${lit} (expecting ${quoteChar(lit.charCodeAt(k))})`);
      }
      i++;
      return undefined;
    }
    return bad(c, 'looking for beginning of value');
  };

  const string = (): { message: string; offset: number } | undefined => {
    i++; // the opening quote
    for (;;) {
      if (i >= b.length) return eof;
      const c = b[i];
      if (c === 0x22) return void i++;
      if (c === 0x5c /* \ */) {
        i++;
        if (i >= b.length) return eofIn('in string escape code');
        const e = b[i];
        if (e === 0x75 /* u */) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= b.length) return eofIn('in \\u hexadecimal character escape');
            if (!isHex(b[i])) return bad(b[i], 'in \\u hexadecimal character escape');
          }
        } else if (!'bfnrt\\/"'.includes(String.fromCharCode(e))) return bad(e, 'in string escape code');
      } else if (c < 0x20) return bad(c, 'in string literal');
      i++;
    }
  };

  const number = (): { message: string; offset: number } | undefined => {
    if (b[i] === 0x2d) {
      i++;
      if (i >= b.length) return eofIn('in numeric literal');
      if (!isDigit(b[i])) return bad(b[i], 'in numeric literal');
    }
    if (b[i] === 0x30) i++;
    else while (i < b.length && isDigit(b[i])) i++;
    if (i < b.length && b[i] === 0x2e) {
      i++;
      if (i >= b.length) return eofIn('after decimal point in numeric literal');
      if (!isDigit(b[i])) return bad(b[i], 'after decimal point in numeric literal');
      while (i < b.length && isDigit(b[i])) i++;
    }
    if (i < b.length && (b[i] === 0x65 || b[i] === 0x45)) {
      i++;
      if (i < b.length && (b[i] === 0x2b || b[i] === 0x2d)) i++;
      if (i >= b.length) return eofIn('in exponent of numeric literal');
      if (!isDigit(b[i])) return bad(b[i], 'in exponent of numeric literal');
      while (i < b.length && isDigit(b[i])) i++;
    }
    return undefined;
  };

  const e = value();
  if (e) return e;
  while (i < b.length && ws(b[i])) i++;
  if (i < b.length) return bad(b[i], 'after top-level value');
  return { message: 'unexpected end of JSON input', offset: b.length }; // not reached for bodies JSON.parse refused
}

/** Go's quoteChar: the byte as a quoted character. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return '\'"\'';
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  const esc: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };
  if (esc[c]) return `'${esc[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  if (c < 0xa0 || c === 0xad) return `'\\u00${c.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}
