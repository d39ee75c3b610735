/**
 * `k6/net/grpc` (k6 v0.48), unary calls, on @grpc/grpc-js + @grpc/proto-loader:
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
 * call's `params.tags`. Streams (`Stream`, k6/experimental/grpc) are not provided.
 */
import net from 'node:net';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ModuleFactory, Tags, VUState } from '../types';
import { internalState, now } from '../runtime/vu-state';
import { GoError } from './go-error';
import { toTags } from './k6';

const STATUS = {
  StatusOK: 0, StatusCanceled: 1, StatusUnknown: 2, StatusInvalidArgument: 3, StatusDeadlineExceeded: 4, StatusNotFound: 5,
  StatusAlreadyExists: 6, StatusPermissionDenied: 7, StatusResourceExhausted: 8, StatusFailedPrecondition: 9, StatusAborted: 10,
  StatusOutOfRange: 11, StatusUnimplemented: 12, StatusInternal: 13, StatusUnavailable: 14, StatusDataLoss: 15, StatusUnauthenticated: 16,
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

export const grpcModule: ModuleFactory = (vu: VUState) => {
  const st = internalState(vu);
  const clients = new Set<grpc.Client>();
  st.slots.set('k6/net/grpc', { close: () => { for (const c of clients) c.close(); clients.clear(); } });

  class Client {
    #methods = new Map<string, Method>();
    #conn: grpc.Client | null = null;
    #addr = '';

    load(importPaths: unknown, ...files: unknown[]): unknown[] {
      if (!vu.inInit) throw new GoError('load must be called in the init context');
      const dirs = (Array.isArray(importPaths) ? importPaths : importPaths ? [importPaths] : []).map((d) => path.resolve(vu.options.cwd, String(d)));
      const out: unknown[] = [];
      for (const f of files) {
        const file = String(f);
        const includeDirs = dirs.length ? dirs : [vu.options.cwd];
        const pkg = protoLoader.loadSync(file, { ...LOAD_OPTIONS, includeDirs });
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
            out.push({ name, fullMethod: `/${svc}/${name}`, isClientStream: md.requestStream, isServerStream: md.responseStream });
          }
        }
      }
      return out;
    }

    async connect(address: unknown, params?: unknown): Promise<boolean> {
      if (vu.inInit) throw new GoError('connecting to a gRPC server in the init context is not supported');
      const p = (params ?? {}) as Record<string, unknown>;
      const addr = String(address);
      const i = addr.lastIndexOf(':');
      const host = addr.slice(0, i);
      const port = Number(addr.slice(i + 1));
      const timeout = p.timeout === undefined ? 60_000 : durationMs(p.timeout);
      const err = await probe(host, port, timeout);
      if (err) throw new GoError(err.code === 'ECONNREFUSED' ? dialRefusedText(addr) : `context deadline exceeded: ${err.message}`);
      const creds = p.plaintext ? grpc.credentials.createInsecure() : grpc.credentials.createSsl();
      const c = new grpc.Client(addr, creds);
      await new Promise<void>((resolve, reject) => c.waitForReady(Date.now() + timeout, (e) => (e ? reject(new GoError(`context deadline exceeded: ${e.message}`)) : resolve())));
      this.#conn?.close();
      this.#conn = c;
      this.#addr = addr;
      clients.add(c);
      return true;
    }

    async invoke(method: unknown, request: unknown, params?: unknown): Promise<unknown> {
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
      const md = new grpc.Metadata();
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

  const exports = { Client, ...STATUS };
  return { ...exports, default: exports };
};
