/**
 * JSON decoding that fails the way Go's `encoding/json.Decoder.Decode` does, so API error bodies
 * match Toxiproxy's byte for byte (`bad request body: invalid character 'b' looking for beginning
 * of object key string`). Like the Decoder, only the first value is read; trailing bytes are ignored.
 */
export type GoJsonResult = { ok: true; value: unknown } | { ok: false; error: string };

class GoSyntaxError extends Error {}

function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
    return `'${named[c] ?? `\\x${code.toString(16).padStart(2, '0')}`}'`;
  }
  return `'${c}'`;
}

export function goDecode(text: string): GoJsonResult {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const eof = () => {
    throw new GoSyntaxError('unexpected EOF');
  };
  const bad = (where: string): never => {
    throw new GoSyntaxError(`invalid character ${quoteChar(text[i])} ${where}`);
  };

  const literal = (word: string, value: unknown) => {
    for (let k = 0; k < word.length; k++, i++) {
      if (i >= text.length) eof();
      if (text[i] !== word[k]) bad(`in literal ${word} (expecting ${quoteChar(word[k])})`);
    }
    return value;
  };

  const str = (): string => {
    const start = i; // at the opening quote
    i++;
    for (;;) {
      if (i >= text.length) eof();
      const c = text[i];
      if (c === '"') break;
      if (c.charCodeAt(0) < 0x20) bad('in string literal');
      if (c === '\\') {
        i++;
        if (i >= text.length) eof();
        if (text[i] === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= text.length) eof();
            if (!/[0-9a-fA-F]/.test(text[i])) bad('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(text[i])) bad('in string escape code');
      }
      i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };

  const digits = () => {
    while (i < text.length && text[i] >= '0' && text[i] <= '9') i++;
  };
  const num = (): number => {
    const start = i;
    if (text[i] === '-') {
      i++;
      if (i >= text.length) eof();
      if (!(text[i] >= '0' && text[i] <= '9')) bad('in numeric literal');
    }
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      if (i >= text.length) eof();
      if (!(text[i] >= '0' && text[i] <= '9')) bad('after decimal point in numeric literal');
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (i >= text.length) eof();
      if (!(text[i] >= '0' && text[i] <= '9')) bad('in exponent of numeric literal');
      digits();
    }
    return Number(text.slice(start, i));
  };

  const value = (): unknown => {
    ws();
    if (i >= text.length) eof();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (i >= text.length) eof();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (i >= text.length) eof();
        if (text[i] !== '"') bad('looking for beginning of object key string');
        const key = str();
        ws();
        if (i >= text.length) eof();
        if (text[i] !== ':') bad('after object key');
        i++;
        obj[key] = value();
        ws();
        if (i >= text.length) eof();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        bad('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (i >= text.length) eof();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (i >= text.length) eof();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        bad('after array element');
      }
    }
    if (c === '"') return str();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    if (c === '-' || (c >= '0' && c <= '9')) return num();
    return bad('looking for beginning of value');
  };

  ws();
  if (i >= text.length) return { ok: false, error: 'EOF' };
  try {
    return { ok: true, value: value() };
  } catch (e) {
    if (e instanceof GoSyntaxError) return { ok: false, error: e.message };
    throw e;
  }
}

/** Go's name for a JSON value's kind in `cannot unmarshal X into ...` errors. */
export function goKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** Go matches struct fields case-insensitively; exact match wins. */
export function goField(obj: Record<string, unknown>, key: string): unknown {
  if (key in obj) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
