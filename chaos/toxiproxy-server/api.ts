import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiErrors, ToxiproxyApiError } from './api-errors';
import { goDecode, goField, goKind, isPlainObject } from './go-json';
import { METRICS_CONTENT_TYPE, ToxiproxyMetrics } from './metrics';
import { Proxy } from './proxy';
import { toxicJson } from './toxic-collection';
import type { ToxicRegistry } from './toxics';
import type { Rng } from '../random';

/** Go's json.Marshal escapes these inside strings. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body = ''): void {
  const buf = Buffer.from(body);
  res.writeHead(status, status === 204 ? headers : { ...headers, 'Content-Length': String(buf.length) });
  res.end(status === 204 ? undefined : buf);
}

const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, { 'Content-Type': 'application/json' }, goJson(value));

/** `http.Error` as Go writes it: text/plain, nosniff, trailing newline. */
function goHttpError(res: ServerResponse, status: number, text: string): void {
  send(res, status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }, `${text}\n`);
}

function apiError(res: ServerResponse, e: unknown): void {
  const err = e instanceof ToxiproxyApiError ? e : new ToxiproxyApiError(e instanceof Error ? e.message : String(e), 500);
  goHttpError(res, err.status, goJson(err));
}

/** Decodes a body as Go's json.Decoder would, wrapping failures as `bad request body: …`. */
function decode(body: string): unknown {
  const r = goDecode(body);
  if (!r.ok) throw ToxiproxyApiError.join(r.error, ApiErrors.BadRequestBody);
  return r.value;
}

interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
  enabled?: boolean;
}

/**
 * `goType` names the value in type errors; `structName` is what Go prints before a field (`Proxy`,
 * or nothing for populate's anonymous struct).
 */
function proxyInput(v: unknown, base: { listen: string; upstream: string }, goType: string, structName = 'Proxy'): ProxyInput {
  if (v === null) v = {}; // Go decodes `null` into a struct as a no-op
  if (!isPlainObject(v)) {
    throw ToxiproxyApiError.join(`json: cannot unmarshal ${goKind(v)} into Go value of type ${goType}`, ApiErrors.BadRequestBody);
  }
  // Go's decoder reports the first type error in document order.
  const types: Record<string, string> = { name: 'string', listen: 'string', upstream: 'string', enabled: 'bool' };
  for (const k of Object.keys(v)) {
    const field = Object.keys(types).find((f) => f === k.toLowerCase());
    const x = v[k];
    if (!field || x === null) continue;
    if (typeof x !== (types[field] === 'bool' ? 'boolean' : 'string')) {
      throw ToxiproxyApiError.join(`json: cannot unmarshal ${goKind(x)} into Go struct field ${structName}.${field} of type ${types[field]}`, ApiErrors.BadRequestBody);
    }
  }
  const str = (key: string, def: string) => {
    const x = goField(v, key);
    return typeof x === 'string' ? x : def;
  };
  const enabled = goField(v, 'enabled');
  return {
    name: str('name', ''),
    listen: str('listen', base.listen),
    upstream: str('upstream', base.upstream),
    enabled: typeof enabled === 'boolean' ? enabled : undefined,
  };
}

/** gorilla/mux's cleanPath: Go's path.Clean, keeping a trailing slash. */
function cleanPath(p: string): string {
  if (p === '') return '/';
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  const cleaned = `/${out.join('/')}`;
  return p.endsWith('/') && cleaned !== '/' ? `${cleaned}/` : cleaned;
}

/** The Toxiproxy release whose API this server reproduces (what its `/version` answers). */
export const TOXIPROXY_VERSION = '2.4.0';

/** Toxiproxy binds `:port`-less/empty listen addresses itself; we default to loopback, port 0. */
const DEFAULT_LISTEN = '127.0.0.1:0';

/**
 * The HTTP API of Toxiproxy 2.4, request for request (statuses, headers and bodies as in
 * `fixtures/toxiproxy-v2.4/api-transcript.txt`). Handlers run one at a time (a simple
 * lock), as Toxiproxy's collection mutex serialises them.
 */
export class ToxiproxyApi {
  readonly proxies = new Map<string, Proxy>();
  #lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly registry: ToxicRegistry,
    private readonly rng: Rng,
    private readonly version = TOXIPROXY_VERSION,
    private readonly metrics = new ToxiproxyMetrics(),
    /** When set, every request must carry `Authorization: Bearer <token>` (not in Toxiproxy 2.4). */
    private readonly apiToken?: string,
  ) {}

  #authorized(req: IncomingMessage): boolean {
    if (!this.apiToken) return true;
    const given = Buffer.from(req.headers.authorization ?? '');
    const wanted = Buffer.from(`Bearer ${this.apiToken}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const run = this.#lock.then(() => this.#route(req.method ?? 'GET', req.url ?? '/', body, req, res));
      this.#lock = run.catch(() => {});
      run.catch((e) => {
        if (!res.headersSent) apiError(res, e);
        else res.destroy();
      });
    });
  }

  async #route(method: string, url: string, body: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) return goHttpError(res, 403, 'User agent not allowed');
    if (!this.#authorized(req)) return apiError(res, new ToxiproxyApiError('missing or wrong API token (Authorization: Bearer <token>)', 401));
    const path = url.split('?')[0];
    // gorilla/mux redirects a path that path.Clean would change (`//`, `/./`, `/../`) to its
    // clean form, with no body.
    const clean = cleanPath(path);
    if (clean !== path) {
      const location = clean + url.slice(path.length);
      // http.Redirect: a small HTML body for GET and HEAD only.
      if (method !== 'GET' && method !== 'HEAD') return send(res, 301, { Location: location });
      const href = location.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      return send(res, 301, { 'Content-Type': 'text/html; charset=utf-8', Location: location }, `<a href="${href}">Moved Permanently</a>.\n\n`);
    }
    const seg = path.split('/').slice(1).map((s) => decodeURIComponent(s));
    const routes: Array<[boolean, Record<string, () => Promise<void> | void>]> = [
      [path === '/version', { GET: () => send(res, 200, { 'Content-Type': 'text/plain;charset=utf-8' }, this.version) }],
      // Toxiproxy routes /metrics (any method) only when a metrics flag is on.
      [path === '/metrics' && this.metrics.enabled, Object.fromEntries(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => [m, () => send(res, 200, { 'Content-Type': METRICS_CONTENT_TYPE }, this.metrics.text())]))],
      [path === '/reset', { POST: () => this.#reset(res) }],
      [path === '/populate', { POST: () => this.#populate(res, body) }],
      [path === '/proxies', { GET: () => this.#index(res), POST: () => this.#create(res, body) }],
      [
        seg.length === 2 && seg[0] === 'proxies' && seg[1] !== '',
        {
          GET: () => json(res, 200, this.#proxy(seg[1]).toJSON()),
          POST: () => this.#updateProxy(res, seg[1], body),
          DELETE: () => this.#deleteProxy(res, seg[1]),
        },
      ],
      [
        seg.length === 3 && seg[0] === 'proxies' && seg[1] !== '' && seg[2] === 'toxics',
        {
          GET: () => json(res, 200, this.#proxy(seg[1]).toxics.list().map(toxicJson)),
          POST: () => json(res, 200, toxicJson(this.#proxy(seg[1]).toxics.add(decode(body)))),
        },
      ],
      [
        seg.length === 4 && seg[0] === 'proxies' && seg[1] !== '' && seg[2] === 'toxics' && seg[3] !== '',
        {
          GET: () => {
            const t = this.#proxy(seg[1]).toxics.get(seg[3]);
            if (!t) throw ApiErrors.ToxicNotFound;
            json(res, 200, toxicJson(t));
          },
          POST: () => this.#updateToxic(res, seg[1], seg[3], body),
          DELETE: () => {
            this.#proxy(seg[1]).toxics.remove(seg[3]);
            send(res, 204, {});
          },
        },
      ],
    ];
    const route = routes.find(([matches]) => matches);
    if (!route) return goHttpError(res, 404, '404 page not found');
    const handler = route[1][method];
    if (!handler) return send(res, 405, {});
    try {
      await handler();
    } catch (e) {
      apiError(res, e);
    }
  }

  #proxy(name: string): Proxy {
    const p = this.proxies.get(name);
    if (!p) throw ApiErrors.ProxyNotFound;
    return p;
  }

  #index(res: ServerResponse): void {
    const out: Record<string, unknown> = {};
    for (const name of [...this.proxies.keys()].sort()) out[name] = this.proxies.get(name)!.toJSON();
    json(res, 200, out);
  }

  async #reset(res: ServerResponse): Promise<void> {
    for (const p of this.proxies.values()) {
      await p.start();
      p.toxics.reset();
    }
    send(res, 204, {});
  }

  async #create(res: ServerResponse, body: string): Promise<void> {
    const input = proxyInput(decode(body), { listen: '', upstream: '' }, 'toxiproxy.Proxy');
    if (!input.name) throw ToxiproxyApiError.join('name', ApiErrors.MissingField);
    if (!input.upstream) throw ToxiproxyApiError.join('upstream', ApiErrors.MissingField);
    if (this.proxies.has(input.name)) throw ApiErrors.ProxyAlreadyExists;
    const proxy = new Proxy(input.name, input.listen || DEFAULT_LISTEN, input.upstream, this.registry, this.rng, this.metrics);
    if (input.enabled ?? true) await proxy.start();
    this.proxies.set(proxy.name, proxy);
    json(res, 201, proxy.toJSON());
  }

  async #updateProxy(res: ServerResponse, name: string, body: string): Promise<void> {
    const proxy = this.#proxy(name);
    const input = proxyInput(decode(body), proxy, 'toxiproxy.Proxy');
    await proxy.update({ listen: input.listen, upstream: input.upstream, enabled: input.enabled ?? proxy.enabled });
    json(res, 200, proxy.toJSON());
  }

  async #deleteProxy(res: ServerResponse, name: string): Promise<void> {
    const proxy = this.#proxy(name);
    this.proxies.delete(name);
    await proxy.stop();
    send(res, 204, {});
  }

  #updateToxic(res: ServerResponse, proxyName: string, toxicName: string, body: string): void {
    const proxy = this.#proxy(proxyName);
    if (!proxy.toxics.get(toxicName)) throw ApiErrors.ToxicNotFound;
    json(res, 200, toxicJson(proxy.toxics.update(toxicName, decode(body))));
  }

  /**
   * `POST /populate`: creates or replaces proxies. Like Toxiproxy, a proxy whose listen and
   * upstream are unchanged is left alone, and the response then shows a fresh, unstarted copy
   * (`enabled:false`, no toxics) — a quirk recorded in the transcript.
   */
  async #populate(res: ServerResponse, body: string): Promise<void> {
    // The proxies themselves, serialised at the end as Toxiproxy does: one replaced later in the
    // same request shows as stopped.
    const created: Proxy[] = [];
    const list = () => (created.length ? created.map((p) => p.toJSON()) : null);
    const fail = (e: unknown) => {
      const err = e instanceof ToxiproxyApiError ? e : new ToxiproxyApiError(String(e), 500);
      json(res, err.status, { error: err.message, status: err.status, proxies: list() });
    };
    let inputs: ProxyInput[];
    try {
      let value = decode(body);
      if (value === null) value = []; // a nil slice
      if (!Array.isArray(value)) {
        throw ToxiproxyApiError.join(
          `json: cannot unmarshal ${goKind(value)} into Go value of type []struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }`,
          ApiErrors.BadRequestBody,
        );
      }
      inputs = value.map((v) => proxyInput(v, { listen: '', upstream: '' }, 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }', ''));
      inputs.forEach((p, i) => {
        if (!p.name) throw ToxiproxyApiError.join(`name at proxy ${i + 1}`, ApiErrors.MissingField);
        if (!p.upstream) throw ToxiproxyApiError.join(`upstream at proxy ${i + 1}`, ApiErrors.MissingField);
      });
    } catch (e) {
      return fail(e);
    }
    for (const input of inputs) {
      const listen = input.listen || DEFAULT_LISTEN;
      const fresh = new Proxy(input.name, listen, input.upstream, this.registry, this.rng, this.metrics);
      const existing = this.proxies.get(input.name);
      try {
        if (existing && existing.listen === listen && existing.upstream === input.upstream) {
          created.push(fresh);
          continue;
        }
        // Like AddOrReplace: the old proxy is stopped but stays listed until the new one started.
        if (existing) await existing.stop();
        if (input.enabled ?? true) await fresh.start();
        this.proxies.set(fresh.name, fresh);
        created.push(fresh);
      } catch (e) {
        return fail(e);
      }
    }
    json(res, 201, { proxies: list() });
  }

  async stopAll(): Promise<void> {
    const all = [...this.proxies.values()];
    this.proxies.clear();
    await Promise.allSettled(all.map((p) => p.stop()));
  }

  /** Removes every toxic and re-enables every proxy (what `POST /reset` does), for rollbacks. */
  async reset(): Promise<void> {
    for (const p of this.proxies.values()) {
      await p.start().catch(() => {});
      p.toxics.reset();
    }
  }
}
