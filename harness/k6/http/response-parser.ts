/**
 * Incremental HTTP/1.1 response parser: fed socket chunks in order, reports one complete response.
 *
 *   feed(chunk) ──▶ head (status line + headers, up to CRLFCRLF) ──▶ body: Content-Length | chunked
 *                                                                    | none (HEAD/1xx/204/304) | until close
 *
 * Interim 1xx responses (100 Continue) are skipped. Bytes after the end of the response stay in
 * `leftover` (a well-behaved server sends none, since we never pipeline).
 */

export interface ParsedResponse {
  status: number;
  statusText: string;
  /** 'HTTP/1.1' or 'HTTP/1.0' */
  proto: string;
  /** Canonical names; repeated headers joined with ', ' (Set-Cookie kept apart in setCookies). */
  headers: Record<string, string>;
  setCookies: string[];
  body: Buffer;
  /** The server wants the connection closed after this response (or it is HTTP/1.0 without keep-alive). */
  close: boolean;
}

export class HttpParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpParseError';
  }
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const MAX_HEAD = 1 << 20;
const EMPTY = Buffer.alloc(0);

/** Go's textproto.CanonicalMIMEHeaderKey: `content-type` -> `Content-Type`. */
export function canonicalHeaderName(name: string): string {
  let out = '';
  let upper = true;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === ' ') return name; // Go leaves keys with spaces untouched
    out += upper ? c.toUpperCase() : c.toLowerCase();
    upper = c === '-';
  }
  return out;
}

const canonicalCache = new Map<string, string>();
/** canonicalHeaderName with a small cache (header names repeat on every request). */
export function canonicalCached(name: string): string {
  let c = canonicalCache.get(name);
  if (c === undefined) {
    c = canonicalHeaderName(name);
    if (canonicalCache.size < 1000) canonicalCache.set(name, c);
  }
  return c;
}

const enum State {
  Head,
  Fixed,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  Done,
}

export class ResponseParser {
  private state = State.Head;
  private head: Buffer = EMPTY;
  private parts: Buffer[] = [];
  private bodyLen = 0;
  private remaining = 0;
  /** Partial line for chunk-size / trailer parsing. */
  private line = '';
  private res: ParsedResponse | null = null;
  leftover: Buffer = EMPTY;

  /** @param noBody the request was HEAD: the response never has a body. */
  constructor(private readonly noBody: boolean) {}

  get done(): boolean {
    return this.state === State.Done;
  }

  /** True once the status line and headers are complete. */
  get headComplete(): boolean {
    return this.state !== State.Head;
  }

  /** Feeds bytes; returns true when the response is complete. Throws HttpParseError on garbage. */
  feed(chunk: Buffer): boolean {
    let buf = chunk;
    while (buf.length > 0 && this.state !== State.Done) {
      switch (this.state) {
        case State.Head:
          buf = this.feedHead(buf);
          break;
        case State.Fixed: {
          const n = Math.min(this.remaining, buf.length);
          this.push(n === buf.length ? buf : buf.subarray(0, n));
          this.remaining -= n;
          buf = buf.subarray(n);
          if (this.remaining === 0) this.finish();
          break;
        }
        case State.UntilClose:
          this.push(buf);
          buf = EMPTY;
          break;
        case State.ChunkSize: {
          const nl = buf.indexOf(10);
          if (nl < 0) {
            this.line += buf.toString('latin1');
            if (this.line.length > 4096) throw new HttpParseError('chunk size line too long');
            buf = EMPTY;
            break;
          }
          const text = (this.line + buf.toString('latin1', 0, nl)).trim();
          this.line = '';
          buf = buf.subarray(nl + 1);
          const semi = text.indexOf(';');
          const size = parseInt(semi >= 0 ? text.slice(0, semi) : text, 16);
          if (!Number.isFinite(size) || size < 0) throw new HttpParseError(`invalid chunk size "${text}"`);
          if (size === 0) this.state = State.Trailers;
          else {
            this.remaining = size;
            this.state = State.ChunkData;
          }
          break;
        }
        case State.ChunkData: {
          const n = Math.min(this.remaining, buf.length);
          this.push(n === buf.length ? buf : buf.subarray(0, n));
          this.remaining -= n;
          buf = buf.subarray(n);
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        }
        case State.ChunkDataEnd: {
          // consume the CRLF after chunk data
          const nl = buf.indexOf(10);
          if (nl < 0) {
            buf = EMPTY;
            break;
          }
          buf = buf.subarray(nl + 1);
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          const nl = buf.indexOf(10);
          if (nl < 0) {
            this.line += buf.toString('latin1');
            buf = EMPTY;
            break;
          }
          const text = (this.line + buf.toString('latin1', 0, nl)).trim();
          this.line = '';
          buf = buf.subarray(nl + 1);
          if (text === '') this.finish();
          break;
        }
      }
    }
    if (buf.length > 0) this.leftover = buf;
    return this.state === State.Done;
  }

  /** The peer closed the connection: completes an until-close body, else the response is truncated. */
  end(): boolean {
    if (this.state === State.UntilClose) {
      this.finish();
      return true;
    }
    return this.state === State.Done;
  }

  result(): ParsedResponse {
    if (!this.res || this.state !== State.Done) throw new HttpParseError('response not complete');
    return this.res;
  }

  private push(b: Buffer): void {
    this.parts.push(b);
    this.bodyLen += b.length;
  }

  private finish(): void {
    const res = this.res!;
    res.body = this.parts.length === 1 ? this.parts[0] : this.parts.length === 0 ? EMPTY : Buffer.concat(this.parts, this.bodyLen);
    this.parts = [];
    this.state = State.Done;
  }

  private feedHead(chunk: Buffer): Buffer {
    // Search for the terminator across the boundary with what we already hold.
    let data: Buffer;
    let searchFrom: number;
    if (this.head.length === 0) {
      data = chunk;
      searchFrom = 0;
    } else {
      searchFrom = Math.max(0, this.head.length - 3);
      data = Buffer.concat([this.head, chunk]);
    }
    const end = data.indexOf(CRLFCRLF, searchFrom);
    if (end < 0) {
      if (data.length > MAX_HEAD) throw new HttpParseError('response header too large');
      this.head = data;
      return EMPTY;
    }
    this.head = EMPTY;
    const rest = data.subarray(end + 4);
    const interim = this.parseHead(data.toString('latin1', 0, end));
    if (interim) return rest; // 1xx: parse the next head
    return rest;
  }

  /** Returns true for an interim 1xx response (state stays Head). */
  private parseHead(text: string): boolean {
    const lines = text.split('\r\n');
    const statusLine = lines[0];
    // "HTTP/1.1 200 OK"
    const sp1 = statusLine.indexOf(' ');
    if (sp1 < 0 || !statusLine.startsWith('HTTP/')) throw new HttpParseError(`malformed HTTP response "${statusLine.slice(0, 64)}"`);
    const proto = statusLine.slice(0, sp1);
    const sp2 = statusLine.indexOf(' ', sp1 + 1);
    const codeText = sp2 < 0 ? statusLine.slice(sp1 + 1) : statusLine.slice(sp1 + 1, sp2);
    const status = Number(codeText);
    if (!Number.isInteger(status) || codeText.length !== 3) throw new HttpParseError(`malformed HTTP status code "${codeText}"`);
    if (status >= 100 && status < 200 && status !== 101) return true;
    const headers: Record<string, string> = {};
    const setCookies: string[] = [];
    let contentLength = -1;
    let chunked = false;
    let connection = '';
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i];
      const colon = l.indexOf(':');
      if (colon <= 0) continue;
      const name = canonicalCached(l.slice(0, colon).trim());
      const value = l.slice(colon + 1).trim();
      if (name === 'Set-Cookie') setCookies.push(value);
      const prev = headers[name];
      headers[name] = prev === undefined ? value : `${prev}, ${value}`;
      if (name === 'Content-Length') contentLength = Number(value);
      else if (name === 'Transfer-Encoding') chunked = /chunked/i.test(value);
      else if (name === 'Connection') connection = value.toLowerCase();
    }
    const http10 = proto === 'HTTP/1.0';
    const close = connection.includes('close') || (http10 && !connection.includes('keep-alive'));
    this.res = {
      status,
      statusText: sp2 < 0 ? '' : statusLine.slice(sp2 + 1),
      proto,
      headers,
      setCookies,
      body: EMPTY,
      close,
    };
    if (this.noBody || status === 204 || status === 304 || status === 101) this.finish();
    else if (chunked) this.state = State.ChunkSize;
    else if (contentLength >= 0 && Number.isFinite(contentLength)) {
      this.remaining = contentLength;
      if (contentLength === 0) this.finish();
      else this.state = State.Fixed;
    } else {
      this.res.close = true;
      this.state = State.UntilClose;
    }
    return false;
  }
}
