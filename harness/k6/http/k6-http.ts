/**
 * The per-VU core of `k6/http` (what `modules/http.ts` exposes to scripts): turns k6's request
 * arguments into client requests, follows redirects (each hop is a request with its own samples,
 * like k6), keeps the VU's cookie jar, emits k6's http_req_* samples with k6's system tags and
 * builds k6's Response.
 *
 *   http.get(url, params) ─▶ prepare() ─▶ [hop: cookies ─▶ HttpClient.request ─▶ samples ─▶ Set-Cookie]* ─▶ K6Response
 */
import type { HttpClient, HttpResponseData, Tags, VUState } from '../types';
import { CookieJar, parseSetCookie, type ResponseCookie } from './cookie-jar';
import { failedResponseData, K6ErrorCode } from './errors';
import { Http1Client } from './http1-client';
import { ExpectedStatuses, K6Url, cleanURL, encodeBody, parseTimeout } from './params';
import { canonicalCached } from './response-parser';
import { parseURLCached } from './url-cache';
import { K6Response, type K6RequestInfo } from './response';

/** k6's exact error texts for HTTP in the init context. */
export const INIT_REQUEST_ERROR = 'Making http requests in the init context is not supported';
export const INIT_BATCH_ERROR = 'Using batch in the init context is not supported';
export const INIT_JAR_ERROR = 'getting cookie jar in the init context is not supported';

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export type ResponseType = 'text' | 'binary' | 'none';

interface CookieParam {
  value: string;
  replace: boolean;
}

interface Prepared {
  method: string;
  /** URL as the user wrote it (k6 tags it unchanged). */
  url: string;
  nameTag: string | undefined;
  headers: Record<string, string>;
  body: Buffer | string | undefined;
  timeoutMs: number;
  maxRedirects: number;
  /** The user chose the limit (params.redirects or options.maxRedirects): no warning when it is hit. */
  redirectsSet: boolean;
  responseType: ResponseType;
  userTags: Tags;
  jar: CookieJar | null;
  cookies: Record<string, CookieParam>;
  callback: ExpectedStatuses | null;
  /** params.throw, else options.throw: a network error throws instead of returning a Response. */
  throw: boolean;
}

/** A batch item, normalised. */
export interface BatchItem {
  method: string;
  url: unknown;
  body: unknown;
  params: unknown;
}

const SLOT = 'k6/http';

/** Per-VU state of k6/http, kept in `vu.slots`. */
export class K6Http {
  readonly jar = new CookieJar();
  /** `http.setResponseCallback`; k6's default: 200-399 are expected. */
  callback: ExpectedStatuses | null = new ExpectedStatuses([{ min: 200, max: 399 }]);
  private clientInstance: (HttpClient & { closeIdle?(): void }) | null = null;
  private lastIteration: unknown = undefined;

  constructor(readonly vu: VUState) {}

  static of(vu: VUState): K6Http {
    let h = vu.slots.get(SLOT) as K6Http | undefined;
    if (!h) vu.slots.set(SLOT, (h = new K6Http(vu)));
    return h;
  }

  /** Closes the VU's connections (the runtime calls this from VU.dispose through `vu.slots`). */
  async close(): Promise<void> {
    await this.clientInstance?.close();
    this.clientInstance = null;
  }

  private client(): HttpClient & { closeIdle?(): void } {
    const o = this.vu.options;
    if (!this.clientInstance) this.clientInstance = new Http1Client({ reuse: !o.noConnectionReuse, hosts: o.hosts, insecureSkipTLSVerify: o.insecureSkipTLSVerify });
    // noVUConnectionReuse: connections do not outlive an iteration
    if (o.noVUConnectionReuse && this.vu.iteration !== this.lastIteration) {
      this.lastIteration = this.vu.iteration;
      this.clientInstance.closeIdle?.();
    }
    return this.clientInstance;
  }

  /** `http.request(method, url, body, params)` and the shortcuts. */
  request(method: string, url: unknown, body: unknown, params: unknown): Promise<K6Response> {
    // Not an async function: returning run()'s promise from one costs two more microtask hops.
    // Every failure still arrives as a rejection, as before.
    try {
      if (this.vu.inInit) throw new Error(INIT_REQUEST_ERROR);
      let p: Prepared;
      try {
        p = this.prepare(method, url, body, params);
      } catch (err) {
        return Promise.resolve(this.requestError(err as Error));
      }
      return this.run(p);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** `http.batch(requests)`: array or object; parallel up to options.batch, options.batchPerHost per host. */
  async batch(requests: unknown): Promise<unknown> {
    if (this.vu.inInit) throw new Error(INIT_BATCH_ERROR);
    if (requests === null || typeof requests !== 'object') throw new Error('http.batch() expects an array or an object of requests');
    const isArray = Array.isArray(requests);
    const keys = isArray ? (requests as unknown[]).map((_, i) => i) : Object.keys(requests as object);
    const items = keys.map((k) => toBatchItem((requests as Record<string | number, unknown>)[k as never]));
    const prepared = items.map((it) => this.prepare(it.method, it.url, it.body, it.params));
    const results: K6Response[] = new Array(prepared.length);
    const limit = Math.max(1, this.vu.options.batch ?? 10);
    const perHostLimit = Math.max(1, this.vu.options.batchPerHost ?? 6);
    const perHost = new Map<string, number>();
    const hostOf = (p: Prepared) => {
      try {
        return new URL(p.url).host;
      } catch {
        return '';
      }
    };
    await new Promise<void>((resolve, reject) => {
      let active = 0;
      let done = 0;
      let failed = false;
      const pending = prepared.map((_, i) => i);
      const pump = () => {
        if (failed) return;
        if (done === prepared.length) return resolve();
        for (let j = 0; j < pending.length && active < limit; ) {
          const i = pending[j];
          const host = hostOf(prepared[i]);
          if ((perHost.get(host) ?? 0) >= perHostLimit) {
            j++;
            continue;
          }
          pending.splice(j, 1);
          active++;
          perHost.set(host, (perHost.get(host) ?? 0) + 1);
          this.run(prepared[i]).then(
            (r) => {
              results[i] = r;
              active--;
              done++;
              perHost.set(host, perHost.get(host)! - 1);
              pump();
            },
            (err) => {
              failed = true;
              reject(err);
            },
          );
        }
      };
      pump();
    });
    if (isArray) return results;
    const out: Record<string, K6Response> = {};
    keys.forEach((k, i) => (out[k as string] = results[i]));
    return out;
  }

  // ---------------------------------------------------------------------------------------------

  private prepare(method: string, url: unknown, body: unknown, params: unknown): Prepared {
    const o = this.vu.options;
    const prm = (params && typeof params === 'object' ? params : {}) as Record<string, unknown>;
    let urlStr: string;
    let nameTag: string | undefined;
    if (url instanceof K6Url) {
      urlStr = url.url;
      if (url.name !== cleanURL(url.url)) nameTag = url.name; // a template without placeholders names nothing
    } else if (url !== null && typeof url === 'object' && typeof (url as { url?: unknown }).url === 'string' && typeof (url as { name?: unknown }).name === 'string') {
      urlStr = (url as { url: string }).url;
      nameTag = (url as { name: string }).name;
    } else if (typeof url === 'string') urlStr = url;
    // k6 (httpext.ToURL) takes a string or http.url`` only, and quotes anything else Go-style
    else throw new Error(`invalid URL: '#${url === undefined || url === null ? '<nil>' : String(url)}'`);

    const userTags: Tags = {};
    if (prm.tags && typeof prm.tags === 'object') for (const [k, v] of Object.entries(prm.tags as object)) userTags[k] = String(v);
    if (userTags.name !== undefined) nameTag = userTags.name;

    const headers: Record<string, string> = {};
    if (prm.headers && typeof prm.headers === 'object')
      // As k6 (goja's ToString): a null or undefined value is sent as "null" / "undefined".
      for (const [k, v] of Object.entries(prm.headers as object)) headers[canonicalCached(k)] = String(v);
    const enc = encodeBody(body);
    if (enc.contentType && headers['Content-Type'] === undefined) headers['Content-Type'] = enc.contentType;
    if (headers['User-Agent'] === undefined && o.userAgent) headers['User-Agent'] = o.userAgent;
    const userLength = headers['Content-Length'];
    if (userLength !== undefined) {
      // k6 lets Go compute Content-Length: a user value is dropped, with a warning when it is wrong
      delete headers['Content-Length'];
      const actual = enc.body === undefined ? 0 : typeof enc.body === 'string' ? Buffer.byteLength(enc.body) : enc.body.length;
      if (Number(userLength) !== actual || !/^\d+$/.test(userLength))
        o.logger.warn(
          `The specified Content-Length header "${userLength}" in the ${String(method).toUpperCase()} request for ${urlStr} doesn't match the actual request body length of ${actual}, so it will be ignored!`,
        );
    }

    const auth = prm.auth;
    if (auth !== undefined && auth !== null && auth !== 'basic') throw new Error(`auth type "${String(auth)}" is not supported by the builtin engine (only basic, via user:pass@ in the URL)`);

    const rt = prm.responseType ?? (o.discardResponseBodies ? 'none' : 'text');
    if (rt !== 'text' && rt !== 'binary' && rt !== 'none') throw new Error(`invalid responseType ${JSON.stringify(rt)}, valid: text, binary, none`);

    let jar: CookieJar | null = this.jar;
    if ('jar' in prm) jar = prm.jar instanceof CookieJar ? prm.jar : prm.jar === null ? null : this.jar;
    const cookies: Record<string, CookieParam> = {};
    if (prm.cookies && typeof prm.cookies === 'object')
      for (const [k, v] of Object.entries(prm.cookies as object)) {
        if (v !== null && typeof v === 'object') cookies[k] = { value: String((v as { value?: unknown }).value ?? ''), replace: !!(v as { replace?: unknown }).replace };
        else cookies[k] = { value: String(v), replace: false };
      }

    let callback = this.callback;
    if ('responseCallback' in prm) {
      const cb = prm.responseCallback;
      if (cb === null || cb === undefined) callback = null;
      else if (cb instanceof ExpectedStatuses) callback = cb;
      else throw new Error('unsupported responseCallback: only http.expectedStatuses(...) or null is supported');
    }

    const redirects = prm.redirects ?? o.maxRedirects ?? DEFAULT_REDIRECTS;
    return {
      method: String(method).toUpperCase(),
      url: urlStr,
      nameTag,
      headers,
      body: enc.body,
      timeoutMs: prm.timeout !== undefined && prm.timeout !== null ? parseTimeout(prm.timeout) : (o.httpTimeoutMs ?? DEFAULT_TIMEOUT_MS),
      maxRedirects: Number(redirects),
      redirectsSet: prm.redirects !== undefined || o.maxRedirects !== undefined,
      responseType: rt,
      userTags,
      jar,
      cookies,
      callback,
      throw: prm.throw !== undefined && prm.throw !== null ? Boolean(prm.throw) : Boolean(o.throw),
    };
  }

  /** A request that could not even be made (bad URL, bad params): k6 returns an error Response, or throws with `throw`. */
  private requestError(err: Error): K6Response {
    if (this.vu.options.throw) throw err;
    this.vu.options.logger.warn('Request Failed', { error: err.message });
    const code = /invalid URL|unsupported protocol/i.test(err.message) ? K6ErrorCode.InvalidURL : K6ErrorCode.Default;
    return new K6Response({
      url: '',
      status: 0,
      status_text: '',
      proto: '',
      headers: {},
      cookies: {},
      body: null,
      timings: { blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 },
      remote_ip: '',
      remote_port: 0,
      tls_version: '',
      error: err.message,
      error_code: code,
      request: { method: '', url: '', headers: {}, body: '', cookies: {} },
    });
  }

  private async run(p: Prepared): Promise<K6Response> {
    let method = p.method;
    let body = p.body;
    let headers = p.headers;
    let urlStr = p.url;
    let parsed: URL;
    try {
      parsed = parseURLCached(urlStr);
    } catch (err) {
      // Go parses a URL without a scheme as a relative one and fails only when sending it
      if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(urlStr)) return this.unsent(p, method, goEscapeRelative(urlStr), 'unsupported protocol scheme ""');
      return this.requestError(new Error(`invalid URL: parse ${JSON.stringify(urlStr)}: ${(err as Error).message}`));
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return this.unsent(p, method, urlStr, `unsupported protocol scheme "${parsed.protocol.slice(0, -1)}"`);
    const started = performance.now();
    const client = this.client();
    for (let hop = 0; ; hop++) {
      const { header: cookieHeader, sent: sentCookies } = this.cookieHeader(p, parsed);
      let sendHeaders = headers;
      if (cookieHeader) {
        // Object.assign, not spread: V8 makes `{ ...a, k: v }` slow objects (~0.5 µs here)
        sendHeaders = Object.assign({}, headers);
        sendHeaders.Cookie = headers.Cookie ? `${headers.Cookie}; ${cookieHeader}` : cookieHeader;
      }
      const remaining = p.timeoutMs > 0 ? Math.max(1, p.timeoutMs - (performance.now() - started)) : 0;
      const rawQuery = hop === 0 && NON_ASCII.test(urlStr) ? goRawQuery(urlStr) : undefined;
      const data = await client.request({ method, url: parsed.href, headers: sendHeaders, body, timeoutMs: remaining, signal: this.vu.signal, rawQuery });
      const time = performance.timeOrigin + performance.now();
      this.vu.addBytes(data.bytesSent, data.bytesReceived);
      if (p.jar && data.setCookies.length) for (const line of data.setCookies) {
        const c = parseSetCookie(line);
        if (c) p.jar.setFromResponse(parsed, c);
      }
      this.emitSamples(p, method, urlStr, data, time);

      const location = data.headers.Location;
      if (data.status !== 0 && REDIRECT_STATUSES.has(data.status) && location !== undefined) {
        if (hop < p.maxRedirects) {
          let next: URL;
          try {
            next = new URL(location, parsed);
          } catch {
            return this.finish(p, method, parsed.href, sendHeaders, body, sentCookies, data);
          }
          if (data.status === 301 || data.status === 302 || data.status === 303) {
            if (method !== 'GET' && method !== 'HEAD') method = 'GET';
            if (body !== undefined) {
              body = undefined;
              headers = Object.assign({}, headers);
              delete headers['Content-Type'];
            }
          }
          if (next.host !== parsed.host && (headers.Authorization !== undefined || headers.Cookie !== undefined)) {
            headers = Object.assign({}, headers);
            delete headers.Authorization; // Go drops credentials on cross-host redirects
            delete headers.Cookie;
          }
          parsed = next;
          urlStr = next.href;
          continue;
        }
        if (!p.redirectsSet)
          this.vu.options.logger.warn(
            `Stopped after ${hop} redirects and returned the redirection; pass { redirects: n } in request params or set global maxRedirects to silence this`,
            { url: p.url },
          );
      }
      return this.finish(p, method, parsed.href, sendHeaders, body, sentCookies, data);
    }
  }

  /** A request Go's client refuses before sending (no or another scheme): k6 still emits its samples, status 0. */
  private unsent(p: Prepared, method: string, url: string, error: string): K6Response {
    const t = performance.timeOrigin + performance.now();
    const data = failedResponseData(url, { code: K6ErrorCode.Default, message: error });
    this.emitSamples(p, method, url, data, t);
    return this.finish(p, method, url, p.headers, p.body, {}, data);
  }

  private cookieHeader(p: Prepared, url: URL): { header: string; sent: K6RequestInfo['cookies'] } {
    const sent: K6RequestInfo['cookies'] = {};
    const pairs: string[] = [];
    // k6 (SetRequestCookies): request cookies first, then the jar's unless replaced
    for (const name in p.cookies) {
      const c = p.cookies[name];
      pairs.push(`${name}=${c.value}`);
      (sent[name] ??= []).push({ name, value: c.value, replace: c.replace });
    }
    if (p.jar && p.jar.size > 0)
      for (const c of p.jar.cookiesFor(url)) {
        const r = p.cookies[c.name];
        if (r && r.replace) continue;
        pairs.push(`${c.name}=${c.value}`);
        (sent[c.name] ??= []).push({ name: c.name, value: c.value, replace: false });
      }
    return { header: pairs.join('; '), sent };
  }

  private emitSamples(p: Prepared, method: string, urlStr: string, data: HttpResponseData, time: number): void {
    const sys = this.vu.options.systemTags;
    const tags: Tags = Object.assign({}, p.userTags); // not a spread: keys are added below (V8's slow path)
    const clean = cleanURLCached(urlStr);
    if (p.nameTag !== undefined) {
      tags.name = p.nameTag;
      if (sys.has('url')) tags.url = p.nameTag;
    } else {
      if (sys.has('name')) tags.name = clean;
      if (sys.has('url')) tags.url = clean;
    }
    if (sys.has('method')) tags.method = method;
    if (data.status === 0) {
      if (sys.has('error') && data.error) tags.error = data.error;
      if (sys.has('error_code') && data.errorCode) tags.error_code = String(data.errorCode);
      if (sys.has('status')) tags.status = '0';
    } else {
      if (sys.has('status')) tags.status = String(data.status);
      if (data.status >= 400 && sys.has('error_code')) tags.error_code = String(1000 + data.status);
      if (sys.has('proto')) tags.proto = data.proto;
      if (data.tlsVersion && sys.has('tls_version')) tags.tls_version = data.tlsVersion;
    }
    if (sys.has('ip') && data.remoteIP) tags.ip = data.remoteIP;
    let failed = 0;
    if (p.callback) {
      const expected = p.callback.matches(data.status);
      failed = expected ? 0 : 1;
      if (sys.has('expected_response')) tags.expected_response = String(expected);
    }
    const t = data.timings;
    const vu = this.vu;
    vu.emit('http_reqs', 1, tags, time);
    vu.emit('http_req_duration', t.duration, tags, time);
    vu.emit('http_req_blocked', t.blocked, tags, time);
    vu.emit('http_req_connecting', t.connecting, tags, time);
    vu.emit('http_req_tls_handshaking', t.tls_handshaking, tags, time);
    vu.emit('http_req_sending', t.sending, tags, time);
    vu.emit('http_req_waiting', t.waiting, tags, time);
    vu.emit('http_req_receiving', t.receiving, tags, time);
    if (p.callback) vu.emit('http_req_failed', failed, tags, time);
  }

  private finish(
    p: Prepared,
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Buffer | string | undefined,
    sentCookies: K6RequestInfo['cookies'],
    data: HttpResponseData,
  ): K6Response {
    const o = this.vu.options;
    if (data.status === 0 && data.error) {
      const full = `${method[0]}${method.slice(1).toLowerCase()} "${url}": ${data.errorDetail ?? data.error}`;
      if (p.throw) throw new Error(full);
      o.logger.warn('Request Failed', { error: full });
    }
    const cookies: Record<string, ResponseCookie[]> = {};
    for (const line of data.setCookies) {
      const c = parseSetCookie(line);
      if (c) (cookies[c.name] ??= []).push(c);
    }
    let resBody: string | ArrayBuffer | null = null;
    if (data.status !== 0 || data.body.length > 0) {
      if (p.responseType === 'text') resBody = data.body.toString('utf8');
      else if (p.responseType === 'binary') resBody = data.body.buffer.slice(data.body.byteOffset, data.body.byteOffset + data.body.length) as ArrayBuffer;
    }
    const reqHeaders: Record<string, string[]> = {};
    for (const k in headers) reqHeaders[k] = [headers[k]];
    return new K6Response({
      url: data.status === 0 ? url : data.url,
      status: data.status,
      status_text: data.status === 0 ? '' : `${data.status} ${data.statusText}`.trimEnd(),
      proto: data.proto,
      headers: goHeaders(data.headers),
      cookies,
      body: resBody,
      // k6 v0.48 still has the DNS field; the target is an IP (no lookup), so 0.
      timings: { ...data.timings, looking_up: 0 },
      remote_ip: data.remoteIP,
      remote_port: data.remotePort,
      tls_version: data.tlsVersion ?? '',
      error: data.error ?? '',
      error_code: data.errorCode ?? (data.status >= 400 ? 1000 + data.status : 0),
      request: { method, url, headers: reqHeaders, body: body === undefined ? '' : typeof body === 'string' ? body : body.toString('latin1'), cookies: sentCookies },
    });
  }
}

const cleanCache = new Map<string, string>();
function cleanURLCached(u: string): string {
  let c = cleanCache.get(u);
  if (c === undefined) {
    c = cleanURL(u);
    if (cleanCache.size > 2000) cleanCache.clear();
    cleanCache.set(u, c);
  }
  return c;
}

function toBatchItem(x: unknown): BatchItem {
  if (typeof x === 'string' || x instanceof K6Url) return { method: 'GET', url: x, body: null, params: null };
  if (Array.isArray(x)) return { method: String(x[0] ?? 'GET'), url: x[1], body: x[2] ?? null, params: x[3] ?? null };
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return { method: String(o.method ?? 'GET'), url: o.url, body: o.body ?? null, params: o.params ?? null };
  }
  throw new Error(`invalid http.batch() request ${JSON.stringify(x)}: expected a URL string, an array [method, url, body, params] or an object {method, url, body, params}`);
}

/** Go's client moves Transfer-Encoding out of the response headers (resp.TransferEncoding); k6 shows what is left. */
function goHeaders(h: Record<string, string>): Record<string, string> {
  if (!('Transfer-Encoding' in h)) return h;
  const { 'Transfer-Encoding': _, ...rest } = h;
  return rest;
}

/** Go's `url.URL.String()` of a scheme-less reference: the path escaped as Go does (a space is %20), query and fragment kept. */
function goEscapeRelative(s: string): string {
  const cut = s.search(/[?#]/);
  const path = cut < 0 ? s : s.slice(0, cut);
  const escaped = path.includes('%')
    ? path
    : Array.from(Buffer.from(path, 'utf8'), (b) => (/[A-Za-z0-9\-_.~$&+,/:;=@]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  return escaped + (cut < 0 ? '' : s.slice(cut));
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The query as Go sends it (`URL.RawQuery`): non-ASCII characters raw (UTF-8), where the WHATWG
 * URL percent-encodes them; the ASCII characters WHATWG encodes in a query are encoded alike.
 * Undefined when the query has no non-ASCII character (the WHATWG form is then the same).
 */
function goRawQuery(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  const h = url.indexOf('#', q);
  const query = url.slice(q, h < 0 ? undefined : h);
  if (!NON_ASCII.test(query)) return undefined;
  return query.replace(/[\x00-\x20"'<>\x7f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
