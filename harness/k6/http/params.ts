/**
 * k6/http argument helpers: request params, bodies, `http.url`, `http.file`, `expectedStatuses`.
 * Values come from the script's realm, so type checks avoid `instanceof` on built-ins.
 */
import { parseDuration } from '../../../vocabulary';
import { randomBytes } from 'node:crypto';

/** `http.expectedStatuses(...)`: the only response callback k6 accepts. */
export class ExpectedStatuses {
  constructor(readonly ranges: ReadonlyArray<{ min: number; max: number }>) {}
  matches(status: number): boolean {
    for (const r of this.ranges) if (status >= r.min && status <= r.max) return true;
    return false;
  }
}

export function expectedStatuses(...args: unknown[]): ExpectedStatuses {
  const ranges: { min: number; max: number }[] = [];
  args.forEach((a, i) => {
    if (typeof a === 'number' && Number.isInteger(a)) ranges.push({ min: a, max: a });
    else if (a && typeof a === 'object' && Number.isInteger((a as { min: unknown }).min) && Number.isInteger((a as { max: unknown }).max))
      ranges.push({ min: (a as { min: number }).min, max: (a as { max: number }).max });
    else
      throw new Error(`argument number ${i + 1} to expectedStatuses was neither an integer nor an object like {min:100, max:329}, but ${JSON.stringify(a) ?? String(a)}`);
  });
  return new ExpectedStatuses(ranges);
}

/** `http.url\`…${x}…\``: the URL plus a `name` tag with `${}` placeholders (low cardinality). */
export class K6Url {
  constructor(
    readonly url: string,
    readonly name: string,
  ) {}
  toString(): string {
    return this.url;
  }
}

export function urlTemplate(strings: TemplateStringsArray | string[], ...values: unknown[]): K6Url {
  let url = '';
  let name = '';
  for (let i = 0; i < strings.length; i++) {
    url += strings[i];
    name += strings[i];
    if (i < values.length) {
      url += String(values[i]);
      name += '${}';
    }
  }
  return new K6Url(url, name);
}

/**
 * `http.file(data, [filename], [contentType])`. k6 keeps the bytes (a string as UTF-8) and shows
 * `data` as an Array of byte values; it is built on first read, so uploads never copy into it.
 */
export class K6File {
  #data: number[] | undefined;
  constructor(
    /** The bytes sent. */
    readonly bytes: Buffer,
    readonly filename: string,
    readonly content_type: string,
  ) {}

  get data(): number[] {
    return (this.#data ??= Array.from(this.bytes));
  }
}

export function file(data: unknown, filename?: string, contentType?: string): K6File {
  const d = isBinary(data) ? toBuffer(data) : Buffer.from(typeof data === 'string' ? data : String(data));
  // k6's default filename: the time in nanoseconds
  return new K6File(d, filename ?? `${Date.now()}000000`, contentType ?? 'application/octet-stream');
}

export function isBinary(x: unknown): x is ArrayBuffer | ArrayBufferView {
  return (
    x !== null &&
    typeof x === 'object' &&
    (ArrayBuffer.isView(x) || Object.prototype.toString.call(x) === '[object ArrayBuffer]' || Object.prototype.toString.call(x) === '[object SharedArrayBuffer]')
  );
}

export function toBuffer(x: ArrayBuffer | ArrayBufferView): Buffer {
  if (ArrayBuffer.isView(x)) return Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return Buffer.from(x as ArrayBuffer);
}

/**
 * k6 reads `timeout` with `types.GetDurationValue`: a number of ms, a numeric string (ms) or a Go
 * duration string (`10s`, `1m30s`, `500ms`); its errors in k6's words.
 */
export function parseTimeout(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const d = parseDuration(v);
    if (d.ok && d.ms >= 0) return d.ms;
    throw new Error(`invalid timeout value: time: invalid duration ${JSON.stringify(v)}`);
  }
  throw new Error(`invalid timeout value: unable to use type ${typeof v === 'boolean' ? 'bool' : typeof v} as a duration value`);
}

/** Go's url.QueryEscape (application/x-www-form-urlencoded). */
function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export interface EncodedBody {
  body: Buffer | string | undefined;
  /** Content-Type to set when the user did not. */
  contentType?: string;
}

/** k6 body forms: string, ArrayBuffer/typed array, object -> form-urlencoded (sorted keys, like Go) or multipart when it holds http.file(). */
export function encodeBody(body: unknown): EncodedBody {
  if (body === undefined || body === null) return { body: undefined };
  if (typeof body === 'string') return { body };
  if (isBinary(body)) return { body: toBuffer(body) };
  if (body instanceof K6File) return { body: body.bytes };
  if (typeof body === 'object') {
    const entries = Object.entries(body as Record<string, unknown>);
    if (entries.some(([, v]) => v instanceof K6File)) return multipart(entries);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const enc = entries.map(([k, v]) => `${queryEscape(k)}=${queryEscape(v === null || v === undefined ? '' : String(v))}`).join('&');
    return { body: enc, contentType: 'application/x-www-form-urlencoded' };
  }
  return { body: String(body) };
}

function multipart(entries: [string, unknown][]): EncodedBody {
  const boundary = randomBytes(30).toString('hex').slice(0, 60);
  const parts: Buffer[] = [];
  for (const [k, v] of entries) {
    if (v instanceof K6File) {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/"/g, '\\"')}"; filename="${v.filename.replace(/"/g, '\\"')}"\r\nContent-Type: ${v.content_type}\r\n\r\n`,
        ),
      );
      parts.push(v.bytes);
      parts.push(Buffer.from('\r\n'));
    } else {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/"/g, '\\"')}"\r\n\r\n${v === null || v === undefined ? '' : String(v)}\r\n`));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** k6 URL.Clean(): hides userinfo in the `url`/`name` tags. */
export function cleanURL(raw: string): string {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^@/?#]*)@/.exec(raw);
  if (!m) return raw;
  // k6 cuts by the decoded lengths of user and password, so a percent-encoded credential leaves
  // its tail visible; done the same way so the url/name tags match k6's
  const info = m[2];
  const colon = info.indexOf(':');
  const dec = (x: string) => {
    try {
      return decodeURIComponent(x);
    } catch {
      return x;
    }
  };
  if (colon >= 0) return m[1] + '****:****' + raw.slice(m[1].length + 1 + dec(info.slice(0, colon)).length + dec(info.slice(colon + 1)).length);
  return m[1] + '****' + raw.slice(m[1].length + dec(info).length);
}
