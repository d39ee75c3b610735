/**
 * Per-VU cookie jar with the semantics of Go's net/http/cookiejar that k6 uses (RFC 6265 domain
 * and path matching, host-only cookies, Max-Age over Expires, Secure only over https), and k6's
 * JS surface (`http.cookieJar()`, `new http.CookieJar()`): set / cookiesForURL / clear / delete.
 */

export interface StoredCookie {
  name: string;
  value: string;
  /** Lower-case domain without a leading dot. */
  domain: string;
  hostOnly: boolean;
  path: string;
  /** ms since epoch; null = session cookie. */
  expires: number | null;
  secure: boolean;
  httpOnly: boolean;
  creation: number;
}

/** k6's `Response.cookies` entry. */
export interface ResponseCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  http_only: boolean;
  secure: boolean;
  max_age: number;
  /** ms since epoch, 0 when unset */
  expires: number;
}

export interface CookieSetOptions {
  domain?: string;
  path?: string;
  expires?: string;
  max_age?: number;
  secure?: boolean;
  http_only?: boolean;
}

let creationSeq = 0;
/** Cookies whose Expires was given (an Expires at the epoch, 0, is a common way to delete). */
const explicitExpires = new WeakSet<ResponseCookie>();

/** Parses one Set-Cookie line (attributes are case-insensitive). Returns null when malformed. */
export function parseSetCookie(line: string): ResponseCookie | null {
  const parts = line.split(';');
  const first = parts[0];
  const eq = first.indexOf('=');
  if (eq <= 0) return null;
  const c: ResponseCookie = {
    name: first.slice(0, eq).trim(),
    value: first.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'),
    domain: '',
    path: '',
    http_only: false,
    secure: false,
    max_age: 0,
    expires: 0,
  };
  if (!c.name) return null;
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i].trim();
    const e = p.indexOf('=');
    const key = (e < 0 ? p : p.slice(0, e)).trim().toLowerCase();
    const val = e < 0 ? '' : p.slice(e + 1).trim();
    switch (key) {
      case 'domain':
        c.domain = val;
        break;
      case 'path':
        c.path = val;
        break;
      case 'max-age': {
        const n = Number(val);
        if (Number.isInteger(n)) c.max_age = n <= 0 ? -1 : n;
        break;
      }
      case 'expires': {
        const t = Date.parse(val);
        if (!Number.isNaN(t)) {
          c.expires = t;
          explicitExpires.add(c);
        }
        break;
      }
      case 'secure':
        c.secure = true;
        break;
      case 'httponly':
        c.http_only = true;
        break;
    }
  }
  return c;
}

function defaultPath(pathname: string): string {
  if (!pathname.startsWith('/')) return '/';
  const i = pathname.lastIndexOf('/');
  return i <= 0 ? '/' : pathname.slice(0, i);
}

function domainMatch(host: string, domain: string): boolean {
  return host === domain || (host.endsWith('.' + domain) && !/^[\d.]+$/.test(host));
}

function pathMatch(reqPath: string, cookiePath: string): boolean {
  if (reqPath === cookiePath) return true;
  if (!reqPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || reqPath[cookiePath.length] === '/';
}

export class CookieJar {
  private cookies: StoredCookie[] = [];

  /** Stores a cookie from a response's Set-Cookie for `url` (rejects foreign domains like Go). */
  setFromResponse(url: URL, c: ResponseCookie, now = Date.now()): void {
    const host = url.hostname.toLowerCase();
    let domain = c.domain.toLowerCase().replace(/^\./, '');
    let hostOnly = false;
    if (!domain) {
      domain = host;
      hostOnly = true;
    } else if (!domainMatch(host, domain)) return;
    let expires: number | null = null;
    if (c.max_age < 0) expires = 0;
    else if (c.max_age > 0) expires = now + c.max_age * 1000;
    else if (c.expires || explicitExpires.has(c)) expires = c.expires;
    const path = c.path.startsWith('/') ? c.path : defaultPath(url.pathname);
    this.cookies = this.cookies.filter((x) => !(x.name === c.name && x.domain === domain && x.path === path));
    if (expires !== null && expires <= now) return; // deletion
    this.cookies.push({ name: c.name, value: c.value, domain, hostOnly, path, expires, secure: c.secure, httpOnly: c.http_only, creation: creationSeq++ });
  }

  /** Cookies to send to `url`, most specific path first (RFC 6265 5.4). */
  cookiesFor(url: URL, now = Date.now()): StoredCookie[] {
    const host = url.hostname.toLowerCase();
    const https = url.protocol === 'https:';
    const path = url.pathname || '/';
    const out: StoredCookie[] = [];
    let expired = false;
    for (const c of this.cookies) {
      if (c.expires !== null && c.expires <= now) {
        expired = true;
        continue;
      }
      if (c.hostOnly ? host !== c.domain : !domainMatch(host, c.domain)) continue;
      if (!pathMatch(path, c.path)) continue;
      if (c.secure && !https) continue;
      out.push(c);
    }
    if (expired) this.cookies = this.cookies.filter((c) => c.expires === null || c.expires > now);
    out.sort((a, b) => b.path.length - a.path.length || a.creation - b.creation);
    return out;
  }

  /** Number of stored cookies (fast path: an empty jar adds no Cookie header). */
  get size(): number {
    return this.cookies.length;
  }

  // ---- k6's JS API -------------------------------------------------------------------------

  /** `jar.set(url, name, value, [options])` */
  set(url: string, name: string, value: string, opts: CookieSetOptions = {}): void {
    const u = new URL(String(url));
    let expires = 0;
    if (opts.expires) {
      const t = Date.parse(opts.expires);
      if (Number.isNaN(t)) throw new Error(`unable to parse "expires" date string "${opts.expires}"`);
      expires = t;
    }
    this.setFromResponse(u, {
      name: String(name),
      value: String(value),
      domain: opts.domain ?? '',
      path: opts.path ?? '',
      http_only: !!opts.http_only,
      secure: !!opts.secure,
      max_age: opts.max_age ? (opts.max_age <= 0 ? -1 : opts.max_age) : 0,
      expires,
    });
  }

  /** `jar.cookiesForURL(url)`: name -> values. */
  cookiesForURL(url: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const c of this.cookiesFor(new URL(String(url)))) (out[c.name] ??= []).push(c.value);
    return out;
  }

  /** `jar.clear(url)`: drops every cookie that would be sent to url. */
  clear(url: string): void {
    const drop = new Set(this.cookiesFor(new URL(String(url))));
    this.cookies = this.cookies.filter((c) => !drop.has(c));
  }

  /** `jar.delete(url, name)` */
  delete(url: string, name: string): void {
    const drop = new Set(this.cookiesFor(new URL(String(url))).filter((c) => c.name === name));
    this.cookies = this.cookies.filter((c) => !drop.has(c));
  }
}
