/**
 * `k6/net/grpc` (unary calls, and streams as since k6 v0.49), on @grpc/grpc-js + @grpc/proto-loader:
 * `new Client()`, `load(importPaths, ...protoFiles)` (init context), `connect(addr, params)`,
 * `invoke(method, request, params)`, `close()`, and the `Status*` constants.
 *
 * What real k6 v0.48 does, matched: `connect` returns true, and a refused dial throws
 * `connection error: desc = "transport: error while dialing: dial tcp …: connect: connection refused"`;
 * an unknown method throws `method "/pkg.Svc/M" not found in file descriptors`; an unknown
 * request field throws protojson's `unknown field "x"`; the response is
 * `{message, error, headers, trailers, status}` with protojson values (int64 as strings, every
 * field present with its default, lowerCamelCase names); a non-OK status does not throw: `error`
 * is `{code, message, details: []}` and `message` the empty response. `grpc_req_duration` is
 * tagged `name` (`/pkg.Svc/M`), `method`, `service`, `status`, `url` (`addr/pkg.Svc/M`) and the
 * call's `params.tags`. `Stream` (below) is in both `k6/net/grpc` and `k6/experimental/grpc`.
 */
import { createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import type { ModuleFactory, Tags, VUState } from '../types';
import type { EventLoop } from '../runtime/event-loop';
import { internalState, now } from '../runtime/vu-state';
import { GoError } from './go-error';
import { toTags } from './k6';
import { lazyRequire } from './lazy-require';

const grpcLib = lazyRequire<typeof grpc>('@grpc/grpc-js');
const loaderLib = lazyRequire<typeof protoLoader>('@grpc/proto-loader');

type Fn = (...a: unknown[]) => unknown;

const STATUS = {
  StatusOK: 0, StatusCanceled: 1, StatusUnknown: 2, StatusInvalidArgument: 3, StatusDeadlineExceeded: 4, StatusNotFound: 5,
  StatusAlreadyExists: 6, StatusPermissionDenied: 7, StatusResourceExhausted: 8, StatusFailedPrecondition: 9, StatusAborted: 10,
  StatusOutOfRange: 11, StatusUnimplemented: 12, StatusInternal: 13, StatusUnavailable: 14, StatusDataLoss: 15, StatusUnauthenticated: 16,
  // grpc.health.v1 serving statuses (k6 v0.51+)
  HealthCheckUnknown: 0, HealthCheckServing: 1, HealthCheckNotServing: 2, HealthCheckServiceUnkown: 3,
} as const;

/** protojson-like decoding: every field, int64 as string, enums by name. */
const LOAD_OPTIONS: protoLoader.Options = { keepCase: false, longs: String, enums: String, defaults: true, arrays: true, objects: true, oneofs: true };

interface Method {
  def: protoLoader.MethodDefinition<object, object>;
  /** Field names a request may carry (JSON and proto names). */
  fields: Set<string>;
}

/** `10s`, `500ms`, a number of ms. */
function durationMs(v: unknown): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(v));
  if (!m) throw new GoError(`invalid duration "${String(v)}"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms']!;
}

function dialRefusedText(addr: string): string {
  return `connection error: desc = "transport: error while dialing: dial tcp ${addr}: connect: connection refused"`;
}

/** Go's dial first (k6's error text), then the channel. */
function probe(host: string, port: number, timeoutMs: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => (s.destroy(), resolve(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }))), timeoutMs);
    s.once('connect', () => (clearTimeout(t), s.destroy(), resolve(null)));
    s.once('error', (e) => (clearTimeout(t), resolve(e)));
  });
}

function metadataObject(md: grpc.Metadata | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!md) return out;
  for (const [k, v] of Object.entries(md.getMap())) out[k] = (md.get(k).length ? md.get(k) : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('base64') : String(x)));
  return out;
}

/**
 * `k6/net/grpc`: Client and, as since k6 v0.49 (where streams left k6/experimental/grpc), Stream.
 * k6 v0.48 had unary calls only here; the engine follows v2 (docs/engine.md).
 */
export const grpcModule: ModuleFactory = (vu: VUState) => grpcFactory(vu, 'k6/net/grpc');

/** `k6/experimental/grpc`: the same module under its pre-v0.49 name (Client, Stream). */
export const experimentalGrpcModule: ModuleFactory = (vu: VUState) => grpcFactory(vu, 'k6/experimental/grpc');

interface ClientState {
  conn: grpc.Client | null;
  addr: string;
  methods: Map<string, Method>;
}

function grpcFactory(vu: VUState, slot: string): Record<string, unknown> {
  const st = internalState(vu);
  /** What `Stream` needs of a Client (its private fields are out of its reach). */
  const clientState = new WeakMap<object, () => ClientState>();
  /**
   * connect/invoke block the script as in k6: callbacks of the run's event loop (streams, timers)
   * wait for them (Client is a class, so the runtime's module guard does not see its calls).
   */
  const blocking = async <T>(work: () => Promise<T>): Promise<T> => {
    const loop = st.run?.loop ?? null;
    if (loop === null) return work();
    loop.blocked++;
    try {
      return await work();
    } finally {
      loop.unblock();
    }
  };
  const clients = new Set<grpc.Client>();
  st.slots.set(slot, { close: () => { for (const c of clients) c.close(); clients.clear(); } });

  class Client {
    #methods = new Map<string, Method>();
    #conn: grpc.Client | null = null;
    #addr = '';

    constructor() {
      clientState.set(this, () => ({ conn: this.#conn, addr: this.#addr, methods: this.#methods }));
    }

    load(importPaths: unknown, ...files: unknown[]): unknown[] {
      if (!vu.inInit) throw new GoError('load must be called in the init context');
      const dirs = (Array.isArray(importPaths) ? importPaths : importPaths ? [importPaths] : []).map((d) => path.resolve(vu.options.cwd, String(d)));
      const out: unknown[] = [];
      for (const f of files) {
        const file = String(f);
        const includeDirs = dirs.length ? dirs : [vu.options.cwd];
        out.push(...this.#register(loaderLib().loadSync(file, { ...LOAD_OPTIONS, includeDirs })));
      }
      return out;
    }

    /** `loadProtoset(path)`: the services of a binary FileDescriptorSet (`protoc --descriptor_set_out`), k6's texts on failure. */
    loadProtoset(protosetPath: unknown): unknown[] {
      if (!vu.inInit) throw new GoError('load must be called in the init context');
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(path.resolve(vu.options.cwd, String(protosetPath)));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new GoError(`couldn't open protoset: ${code === 'ENOENT' ? 'stat' : 'open'} ${path.resolve(vu.options.cwd, String(protosetPath))}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
      }
      let pkg: protoLoader.PackageDefinition;
      try {
        pkg = loaderLib().loadFileDescriptorSetFromBuffer(bytes, LOAD_OPTIONS);
      } catch (e) {
        throw new GoError(`couldn't unmarshal protoset file ${String(protosetPath)}: ${(e as Error).message}`);
      }
      return this.#register(pkg);
    }

    #register(pkg: protoLoader.PackageDefinition): unknown[] {
      const out: unknown[] = [];
      for (const [svc, def] of Object.entries(pkg)) {
        if (!def || typeof def !== 'object' || 'format' in def) continue;
        for (const [name, m] of Object.entries(def as protoLoader.ServiceDefinition)) {
          const md = m as protoLoader.MethodDefinition<object, object>;
          const fields = new Set<string>();
          const type = (md.requestType as unknown as { type?: { field?: { name: string; jsonName?: string }[] } }).type;
          for (const fd of type?.field ?? []) {
            fields.add(fd.name);
            fields.add(fd.jsonName ?? fd.name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));
          }
          this.#methods.set(`/${svc}/${name}`, { def: md, fields });
          // k6's MethodInfo as its JS field mapper names it
          const dot = svc.lastIndexOf('.');
          out.push({
            package: dot < 0 ? '' : svc.slice(0, dot),
            service: dot < 0 ? svc : svc.slice(dot + 1),
            full_method: `/${svc}/${name}`,
            name,
            is_client_stream: md.requestStream,
            is_server_stream: md.responseStream,
          });
        }
      }
      return out;
    }

    connect(address: unknown, params?: unknown): Promise<boolean> {
      return blocking(() => this.#connectNow(address, params));
    }

    async #connectNow(address: unknown, params?: unknown): Promise<boolean> {
      if (vu.inInit) throw new GoError('connecting to a gRPC server in the init context is not supported');
      const p = (params ?? {}) as Record<string, unknown>;
      const addr = String(address);
      const i = addr.lastIndexOf(':');
      const host = addr.slice(0, i);
      const port = Number(addr.slice(i + 1));
      const timeout = p.timeout === undefined ? 60_000 : durationMs(p.timeout);
      const err = await probe(host, port, timeout);
      if (err) throw new GoError(err.code === 'ECONNREFUSED' ? dialRefusedText(addr) : `context deadline exceeded: ${err.message}`);
      const creds = p.plaintext ? grpcLib().credentials.createInsecure() : tlsCredentials(p.tls, vu.options.insecureSkipTLSVerify === true);
      const c = new (grpcLib().Client)(addr, creds);
      await new Promise<void>((resolve, reject) => c.waitForReady(Date.now() + timeout, (e) => (e ? reject(new GoError(`context deadline exceeded: ${e.message}`)) : resolve())));
      this.#conn?.close();
      this.#conn = c;
      this.#addr = addr;
      clients.add(c);
      return true;
    }

    invoke(method: unknown, request: unknown, params?: unknown): Promise<unknown> {
      return blocking(() => this.#invokeNow(method, request, params));
    }

    async #invokeNow(method: unknown, request: unknown, params?: unknown): Promise<unknown> {
      if (vu.inInit) throw new GoError('invoking RPC methods in the init context is not supported');
      const conn = this.#conn;
      if (!conn) throw new GoError('no gRPC connection, you must call connect first');
      let name = String(method);
      if (name === '') throw new GoError('method to invoke cannot be empty');
      if (!name.startsWith('/')) name = '/' + name;
      const m = this.#methods.get(name);
      if (!m) throw new GoError(`method "${name}" not found in file descriptors`);
      const req = (request ?? {}) as Record<string, unknown>;
      let col = 2;
      for (const k of Object.keys(req)) {
        if (!m.fields.has(k)) throw new GoError(`unable to serialise request object to protocol buffer: proto: (line 1:${col}): unknown field "${k}"`);
        col += k.length + 1;
      }
      const p = (params ?? {}) as Record<string, unknown>;
      const md = new (grpcLib().Metadata)();
      if (p.metadata && typeof p.metadata === 'object') for (const [k, v] of Object.entries(p.metadata)) md.set(k, String(v));
      const timeout = p.timeout === undefined ? 120_000 : durationMs(p.timeout);
      const [, svc, meth] = name.split('/');
      const tags: Tags = {
        ...(p.tags && typeof p.tags === 'object' ? toTags(p.tags) : {}),
        name,
        method: meth,
        service: svc,
        url: `${this.#addr}${name}`,
      };
      const start = now();
      let headers: grpc.Metadata | undefined;
      let trailers: grpc.Metadata | undefined;
      const res = await new Promise<{ err: grpc.ServiceError | null; msg: unknown }>((resolve) => {
        const call = conn.makeUnaryRequest(name, m.def.requestSerialize, m.def.responseDeserialize, req, md, { deadline: Date.now() + timeout }, (e, msg) =>
          resolve({ err: e, msg }),
        );
        call.on('metadata', (h) => (headers = h));
        call.on('status', (s) => (trailers = s.metadata));
      });
      const end = now();
      const status = res.err ? res.err.code : 0;
      st.emit('grpc_req_duration', end - start, { ...tags, status: String(status) }, end);
      const message = res.err ? m.def.responseDeserialize(Buffer.alloc(0)) : res.msg;
      return {
        message,
        error: res.err ? { code: res.err.code, message: res.err.details, details: [] } : null,
        headers: metadataObject(headers),
        trailers: res.err ? metadataObject(res.err.metadata) : metadataObject(trailers),
        status,
      };
    }

    close(): void {
      if (this.#conn) {
        this.#conn.close();
        clients.delete(this.#conn);
      }
      this.#conn = null;
    }
  }

  for (const name of ['grpc_streams', 'grpc_streams_msgs_sent', 'grpc_streams_msgs_received']) vu.options.metrics.getOrCreate(name, 'counter');

  /**
   * A stream on the run's event loop (the iteration lasts until it ends). As in k6 v0.48:
   * grpc_streams at the start, grpc_streams_msgs_sent per `write`, grpc_streams_msgs_received per
   * message (tags as invoke's, no status), and at the end grpc_req_duration tagged only with the
   * run's tags and `status`.
   */
  class Stream {
    readonly #handlers = new Map<string, Fn[]>();
    readonly #call: grpc.ClientDuplexStream<unknown, unknown>;
    readonly #loop: EventLoop;
    #chain: Promise<void> = Promise.resolve();

    constructor(client: unknown, method: unknown, params?: unknown) {
      const get = client && typeof client === 'object' ? clientState.get(client) : undefined;
      if (!get) throw new GoError('the first argument of Stream must be a grpc.Client');
      const { conn, addr, methods } = get();
      if (!conn) throw new GoError('no gRPC connection, you must call connect first');
      const run = st.run;
      if (run === null) throw new GoError('creating a stream in the init context is not supported');
      const loop = (this.#loop = run.eventLoop(vu.options.logger));
      let name = String(method);
      if (!name.startsWith('/')) name = '/' + name;
      const m = methods.get(name);
      if (!m) throw new GoError(`method "${name}" not found in file descriptors`);
      const p = (params ?? {}) as Record<string, unknown>;
      const md = new (grpcLib().Metadata)();
      if (p.metadata && typeof p.metadata === 'object') for (const [k, v] of Object.entries(p.metadata)) md.set(k, String(v));
      const [, svc, meth] = name.split('/');
      const tags: Tags = { ...(p.tags && typeof p.tags === 'object' ? toTags(p.tags) : {}), name, method: meth, service: svc, url: `${addr}${name}` };
      const start = now();
      st.emit('grpc_streams', 1, tags, start);
      const call = (this.#call = conn.makeBidiStreamRequest(name, m.def.requestSerialize, m.def.responseDeserialize, md, {}) as grpc.ClientDuplexStream<unknown, unknown>);
      const key = {};
      loop.add(key, null, () => call.cancel());
      call.on('data', (msg: unknown) => {
        st.emit('grpc_streams_msgs_received', 1, tags);
        this.#fire('data', msg);
      });
      call.on('error', (e: grpc.ServiceError) => this.#fire('error', { code: e.code, details: [], message: e.details }));
      call.on('status', (s: grpc.StatusObject) => {
        st.emit('grpc_req_duration', now() - start, { status: String(s.code) });
        this.#fire('end'); // after an error too (k6 v0.48)
        loop.enqueue(() => this.#chain.then(() => loop.done(key)));
      });
      this.#sendTags = tags;
    }

    #sendTags: Tags = {};

    /** One event's handlers finish before the stream's next event starts. */
    #fire(event: string, arg?: unknown): void {
      this.#loop.enqueue(() => {
        const p = this.#chain.then(async () => {
          for (const h of this.#handlers.get(event) ?? []) await h(arg);
        });
        this.#chain = p.catch(() => {});
        return p;
      });
    }

    on(event: unknown, listener: unknown): void {
      const e = String(event);
      if (e !== 'data' && e !== 'error' && e !== 'end') throw new GoError(`unknown stream's event type "${e}"`);
      if (typeof listener !== 'function') return;
      const hs = this.#handlers.get(e) ?? [];
      hs.push(listener as Fn);
      this.#handlers.set(e, hs);
    }

    write(message: unknown): void {
      st.emit('grpc_streams_msgs_sent', 1, this.#sendTags);
      this.#call.write(message ?? {});
    }

    end(): void {
      this.#call.end();
    }
  }

  const exports = { Client, Stream, ...STATUS };
  return { ...exports, default: exports };
}

/**
 * TLS credentials from connect's `tls` param (k6 v0.48: `cert`, `key` PEM strings, `password` of
 * an encrypted key, `cacerts` a PEM string or an array of them), validated with k6's texts;
 * `insecureSkipTLSVerify` accepts any server certificate, as k6's inherited TLS config does.
 */
function tlsCredentials(tls: unknown, insecure: boolean): grpc.ChannelCredentials {
  const verify = insecure ? { rejectUnauthorized: false, checkServerIdentity: () => undefined } : undefined;
  if (tls === undefined || tls === null) return noIpServername(grpcLib().credentials.createSsl(null, null, null, verify));
  // k6 quotes the whole tls value Go-style (%#v) in these errors
  const bad = (what: string) => new GoError(`invalid grpc.connect() parameters: invalid tls ${what}`);
  if (typeof tls !== 'object' || Array.isArray(tls)) throw bad(`value: '${goSharpV(tls)}', expected (optional) keys: cert, key, password, and cacerts`);
  const t = tls as Record<string, unknown>;
  if (t.cert !== undefined && typeof t.cert !== 'string') throw bad(`cert value: '${goSharpV(tls)}', it needs to be a PEM formatted string`);
  if (t.key !== undefined && typeof t.key !== 'string') throw bad(`key value: '${goSharpV(tls)}', it needs to be a PEM formatted string`);
  if (t.password !== undefined && typeof t.password !== 'string') throw bad(`password value: '${goSharpV(tls)}', it needs to be a string`);
  const cas = t.cacerts === undefined ? [] : Array.isArray(t.cacerts) ? t.cacerts : [t.cacerts];
  if (cas.some((c) => typeof c !== 'string')) throw bad(`cacerts value: '${goSharpV(tls)}', it needs to be a string or an array of PEM formatted strings`);
  let key: Buffer | null = t.key ? Buffer.from(t.key as string) : null;
  if (key && t.password) {
    try {
      key = Buffer.from(createPrivateKey({ key, passphrase: t.password as string }).export({ type: 'pkcs8', format: 'pem' }) as string);
    } catch (e) {
      throw new GoError(`failed to decrypt the TLS key: ${(e as Error).message}`);
    }
  }
  const cert = t.cert ? Buffer.from(t.cert as string) : null;
  return noIpServername(grpcLib().credentials.createSsl(cas.length ? Buffer.from((cas as string[]).join('\n')) : null, key, cert, verify));
}

/**
 * grpc-js sets the TLS servername (SNI) to the target's host even when it is an IP address, which
 * RFC 6066 forbids and Node answers with a DeprecationWarning (DEP0123) on stderr; Go, and so
 * k6, sends no SNI for an IP. Drop it then: Node still checks the certificate against the host.
 * (grpc-js 1.14 keeps the options on its connector as `connectionOptions`; where it does not, this does nothing.)
 */
function noIpServername(creds: grpc.ChannelCredentials): grpc.ChannelCredentials {
  const c = creds as unknown as { _createSecureConnector: (...args: unknown[]) => { connectionOptions?: { servername?: string } } };
  const create = c._createSecureConnector.bind(c);
  c._createSecureConnector = (...args) => {
    const connector = create(...args);
    const o = connector.connectionOptions;
    if (o?.servername !== undefined && net.isIP(o.servername)) delete o.servername;
    return connector;
  };
  return creds;
}

/** Go's `%#v` of a value exported from JavaScript (maps with sorted keys, `[]interface {}` arrays). */
function goSharpV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharpV).join(', ')}}`;
  if (typeof v === 'object')
    return `map[string]interface {}{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${goSharpV((v as Record<string, unknown>)[k])}`)
      .join(', ')}}`;
  return String(v);
}
