import net from 'node:net';
import type { Rng } from '../random';
import { ToxiproxyApiError } from './api-errors';
import { ProxyConnection } from './link';
import type { ToxiproxyMetrics } from './metrics';
import { ToxicCollection, toxicJson } from './toxic-collection';
import type { ToxicRegistry } from './toxics';

export function splitHostPort(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new ToxiproxyApiError(`listen tcp: address ${addr}: missing port in address`, 500);
  return { host: m[1] ?? m[2] ?? '', port: Number(m[3]) };
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Write buffering per socket before the other side's reads pause (Node's default is 16 KiB):
 * with 16 KiB nearly every 64 KiB read paused and resumed the source (two epoll_ctl calls and
 * a stall until the kernel took all of it); at 256 KiB reading overlaps with the flush.
 */
const HIGH_WATER_MARK = 256 * 1024;
/** libuv's read size. */
const READ_SIZE = 64 * 1024;

const goErrno: Record<string, string> = {
  EADDRINUSE: 'bind: address already in use',
  EACCES: 'bind: permission denied',
  EADDRNOTAVAIL: 'bind: cannot assign requested address',
};

/**
 * A listener forwarding to `upstream` through its toxic chains. `enabled` mirrors whether it is
 * listening: disabling closes the listener and drops every connection, like Toxiproxy.
 */
export class Proxy {
  enabled = false;
  readonly toxics: ToxicCollection;
  #server?: net.Server;
  #connections = new Set<ProxyConnection>();

  constructor(
    readonly name: string,
    public listen: string,
    public upstream: string,
    private readonly registry: ToxicRegistry,
    private readonly rng: Rng,
    private readonly metrics?: ToxiproxyMetrics,
  ) {
    this.toxics = new ToxicCollection(registry);
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  async start(): Promise<void> {
    if (this.enabled) return;
    const { host, port } = splitHostPort(this.listen);
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true, highWaterMark: HIGH_WATER_MARK }, (client) => this.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        // Go resolves the host before binding and names the resolved address.
        const shown = host === 'localhost' ? joinHostPort('127.0.0.1', port) : this.listen;
        reject(new ToxiproxyApiError(`listen tcp ${shown}: ${goErrno[e.code ?? ''] ?? e.message}`, 500));
      });
      server.listen({ host: host || '::', port, exclusive: true }, () => resolve());
    });
    server.on('error', () => {});
    const addr = server.address() as net.AddressInfo;
    this.listen = joinHostPort(addr.address, addr.port);
    this.#server = server;
    this.enabled = true;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.enabled = false;
    for (const c of [...this.#connections]) c.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Toxiproxy's `Proxy.Update`: a new address restarts it; `enabled` starts or stops it. */
  async update(input: { listen: string; upstream: string; enabled: boolean }): Promise<void> {
    if (input.listen !== this.listen || input.upstream !== this.upstream) {
      await this.stop();
      this.listen = input.listen;
      this.upstream = input.upstream;
    }
    if (input.enabled !== this.enabled) {
      if (input.enabled) await this.start();
      else await this.stop();
    }
  }

  toJSON() {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.toxics.list().map(toxicJson),
    };
  }

  #accept(client: net.Socket): void {
    let target: { host: string; port: number };
    try {
      target = splitHostPort(this.upstream);
    } catch {
      client.destroy();
      return;
    }
    // Go sets TCP_NODELAY on every TCP socket; without it Nagle's algorithm holds a response's
    // last partial segment until the client's delayed ACK (40 ms on Linux) for some clients.
    client.setNoDelay(true);
    client.on('error', () => {});
    let conn: ProxyConnection | undefined;
    let buffer = Buffer.allocUnsafe(READ_SIZE);
    // The upstream side (responses, usually the bulk) reads into one reused buffer while the
    // last chunk went straight through to the kernel, instead of a new 64 KiB Buffer per read:
    // about half the CPU per byte for large responses. (Accepted sockets have no `onread`.)
    const onread = {
      buffer: () => (conn?.downstreamLink.lastReadKept === false ? buffer : (buffer = Buffer.allocUnsafe(READ_SIZE))),
      callback: (n: number, buf: Uint8Array) => {
        conn?.downstreamLink.read(Buffer.from(buf.buffer, buf.byteOffset, n), true);
        return true;
      },
    };
    const upstream = net.connect({ host: target.host || '127.0.0.1', port: target.port, allowHalfOpen: true, noDelay: true, onread, highWaterMark: HIGH_WATER_MARK } as net.NetConnectOpts);
    upstream.pause();
    upstream.once('error', () => client.destroy());
    upstream.once('connect', () => {
      if (!this.enabled || client.destroyed) {
        upstream.destroy();
        client.destroy();
        return;
      }
      const labels = { proxy: this.name, listener: this.listen, upstream: this.upstream };
      conn = new ProxyConnection(client, upstream, this.toxics, this.registry, this.rng, (c) => {
        this.#connections.delete(c);
        for (const link of [c.upstreamLink, c.downstreamLink]) {
          this.metrics?.addLink({ ...labels, direction: link.direction }, link.received, link.sent);
        }
      }, true);
      this.#connections.add(conn);
    });
  }
}
