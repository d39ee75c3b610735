import type { HttpTimings } from '../types';
import type { ResponseCookie } from './cookie-jar';
import { parseHTML, type Selection } from '../html';
import { k6JSONError } from './go-json-error';

/** `Response.request` as k6 shows it. */
export interface K6RequestInfo {
  method: string;
  url: string;
  /** Go's http.Header shape: name -> values */
  headers: Record<string, string[]>;
  body: string;
  cookies: Record<string, { name: string; value: string; replace: boolean }[]>;
}

export interface K6ResponseInit {
  url: string;
  status: number;
  status_text: string;
  proto: string;
  headers: Record<string, string>;
  cookies: Record<string, ResponseCookie[]>;
  body: string | ArrayBuffer | null;
  timings: HttpTimings & { looking_up?: number };
  remote_ip: string;
  remote_port: number;
  tls_version: string;
  error: string;
  error_code: number;
  request: K6RequestInfo;
}

/** Parsed bodies, kept off the object so `JSON.stringify(res)` shows only k6's fields. */
const jsonCache = new WeakMap<object, unknown>();

/**
 * k6's `Response` object (k6 v0.48 `js/modules/k6/http/response.go`), with snake_case fields as
 * scripts see them. `html()` parses the body with k6/html's DOM; `clickLink()`, `submitForm()` are not provided.
 */
export class K6Response {
  url: string;
  status: number;
  status_text: string;
  proto: string;
  headers: Record<string, string>;
  cookies: Record<string, ResponseCookie[]>;
  body: string | ArrayBuffer | null;
  timings: HttpTimings & { looking_up?: number };
  remote_ip: string;
  remote_port: number;
  tls_version: string;
  tls_cipher_suite: string;
  ocsp: { status: string; produced_at: number; this_update: number; next_update: number; revocation_reason: string; revoked_at: number };
  error: string;
  error_code: number;
  request: K6RequestInfo;

  constructor(i: K6ResponseInit) {
    this.url = i.url;
    this.status = i.status;
    this.status_text = i.status_text;
    this.proto = i.proto;
    this.headers = i.headers;
    this.cookies = i.cookies;
    this.body = i.body;
    this.timings = i.timings;
    this.remote_ip = i.remote_ip;
    this.remote_port = i.remote_port;
    this.tls_version = i.tls_version;
    this.tls_cipher_suite = '';
    this.ocsp = { status: 'unknown', produced_at: 0, this_update: 0, next_update: 0, revocation_reason: '', revoked_at: 0 };
    this.error = i.error;
    this.error_code = i.error_code;
    this.request = i.request;
  }

  /** Parses the body as JSON; `selector` is a gjson-style path (`a.b.0.c`, `items.#`). */
  json(selector?: string): unknown {
    if (this.body === null || this.body === undefined) throw new Error('the body is null so we can\'t transform it to JSON - this likely was because of a request error getting the response');
    const text = typeof this.body === 'string' ? this.body : Buffer.from(this.body).toString('utf8');
    if (selector !== undefined && selector !== null) return gjsonGet(text, String(selector));
    if (!jsonCache.has(this)) {
      try {
        jsonCache.set(this, JSON.parse(text));
      } catch {
        throw new Error(k6JSONError(typeof this.body === 'string' ? Buffer.from(this.body) : Buffer.from(this.body)));
      }
    }
    return jsonCache.get(this);
  }

  /** The body as a k6/html Selection (`selector`: narrowed with `find`), as k6 does. */
  html(selector?: unknown): Selection {
    if (this.body === null || this.body === undefined) throw new Error('the body is null so we can\'t transform it to HTML - this likely was because of a request error getting the response');
    const doc = parseHTML(typeof this.body === 'string' ? this.body : Buffer.from(this.body).toString('utf8'), this.url);
    return selector === undefined ? doc : doc.find(selector);
  }

  clickLink(): never {
    throw new Error('Response.clickLink() is not supported by the builtin engine; read the link with res.html().find(selector).attr("href") and request it');
  }

  submitForm(): never {
    throw new Error('Response.submitForm() is not supported by the builtin engine; read the fields with res.html().find("form").serializeObject() and post them, or run with real k6');
  }
}

/** Minimal gjson: dot path with array indexes and `#` (length); `\.` escapes a dot. Undefined when missing (k6: null). */
export function gjsonGet(text: string, path: string): unknown {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  const keys = path.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, '.'));
  for (const k of keys) {
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      if (k === '#') v = v.length;
      else if (/^\d+$/.test(k)) v = v[Number(k)];
      else return undefined;
    } else v = (v as Record<string, unknown>)[k];
    if (v === undefined) return undefined;
  }
  return v;
}
