/**
 * `k6/experimental/redis` (k6 v0.48) on ioredis: `new Client(url | options)` whose commands return
 * Promises. The connection opens on the first command (clients are declared in the init context)
 * and closes with the VU. Matched with real k6 v0.48:
 * - a missing value rejects with "redis: nil" (get, getDel, lindex, lpop, rpop, hget, srandmember,
 *   spop, randomKey on an empty db); server errors reject with the server's text
 *   (`WRONGTYPE …`, `ERR value is not an integer or out of range`); a refused dial with Go's text.
 * - multi-key commands are variadic: `del(['a','b'])` deletes the one key "a,b" (the array is
 *   stringified), as k6 v0.48 does.
 * - `ttl` is in seconds, and its -1/-2 answers come back as Go durations read as seconds (-1e-9, -2e-9).
 * - expire/persist/hsetnx/sismember resolve to booleans; no redis metrics, but the bytes count in
 *   data_sent/data_received.
 * Calls are not blocking: the script gets the Promise (`await` it, chain `.then()`, or keep it in
 * a variable), and the run waits for it to settle (pending.ts).
 */
import type { Redis, RedisOptions } from 'ioredis';
import type { ModuleFactory, VUState } from '../types';
import { internalState } from '../runtime/vu-state';
import { GoError } from './go-error';
import { dialErrorText } from './ws';
import { lazyRequire } from './lazy-require';
import { keepRunAlive } from './pending';

const ioredis = lazyRequire<typeof import('ioredis')>('ioredis');

const NIL = 'redis: nil';
const SLOT = 'k6/experimental/redis';

type Conv = (v: unknown) => unknown;
const nilRejects: Conv = (v) => {
  if (v === null || v === undefined) throw new Error(NIL);
  return v;
};
const bool: Conv = (v) => v === 1 || v === '1' || v === true;
const seconds: Conv = (v) => (typeof v === 'number' && v < 0 ? v * 1e-9 : v);
const asIs: Conv = (v) => v;
const arg = (v: unknown) => String(v);

function optionsOf(o: unknown): { url?: string; opts: RedisOptions; addr: { host: string; port: string } } {
  const base: RedisOptions = { lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true, connectTimeout: 10_000 };
  if (typeof o === 'string') {
    let u: URL;
    try {
      u = new URL(o);
    } catch {
      throw new GoError(`invalid options; reason: redis: invalid URL scheme: ${o}`);
    }
    if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new GoError(`invalid options; reason: redis: invalid URL scheme: ${u.protocol.replace(/:$/, '')}`);
    return { url: o, opts: base, addr: { host: u.hostname, port: u.port || '6379' } };
  }
  if (!o || typeof o !== 'object') throw new GoError('invalid options; reason: expected a redis URL string or an options object');
  const r = o as Record<string, any>;
  const socket = (r.socket ?? {}) as Record<string, any>;
  if (!socket.host) throw new GoError('invalid options; reason: socket.host is required');
  const opts: RedisOptions = {
    ...base,
    host: String(socket.host),
    port: socket.port === undefined ? 6379 : Number(socket.port),
    username: r.username,
    password: r.password,
    db: r.database === undefined ? undefined : Number(r.database),
    connectionName: r.clientName,
  };
  if (socket.tls) opts.tls = {};
  if (socket.dialTimeout) opts.connectTimeout = Number(socket.dialTimeout);
  return { opts, addr: { host: String(socket.host), port: String(opts.port) } };
}

export const redisModule: ModuleFactory = (vu: VUState) => {
  const st = internalState(vu);
  const open = new Set<Redis>();
  st.slots.set(SLOT, {
    close: async () => {
      await Promise.allSettled([...open].map((r) => r.quit().catch(() => r.disconnect())));
      open.clear();
    },
  });

  class Client {
    readonly #cfg: ReturnType<typeof optionsOf>;
    #redis: Redis | null = null;
    #connecting: Promise<Redis> | null = null;
    #sent = 0;
    #recv = 0;

    constructor(options: unknown) {
      this.#cfg = optionsOf(options);
    }

    #connect(): Promise<Redis> {
      if (this.#redis && this.#redis.status === 'ready') return Promise.resolve(this.#redis);
      if (this.#connecting) return this.#connecting;
      const { url, opts, addr } = this.#cfg;
      const R = ioredis().Redis;
      const r = url ? new R(url, opts) : new R(opts);
      let lastError: NodeJS.ErrnoException | null = null;
      r.on('error', (e) => (lastError = e)); // reported through the command's rejection
      this.#connecting = r.connect().then(
        () => {
          this.#redis = r;
          this.#sent = 0;
          this.#recv = 0;
          open.add(r);
          this.#connecting = null;
          return r;
        },
        (e: NodeJS.ErrnoException) => {
          this.#connecting = null;
          r.disconnect();
          const cause = lastError ?? e; // connect() rejects with "Connection is closed."; the socket error says why
          throw new Error(cause.code ? dialErrorText(cause, addr.host, addr.port) : cause.message);
        },
      );
      return this.#connecting;
    }

    /** Sends one command; counts its bytes in data_sent/data_received. */
    #cmd(name: string, args: unknown[], conv: Conv = asIs): Promise<unknown> {
      const p = this.#connect()
        .then((r) => r.call(name, ...args.map(arg)).finally(() => this.#count(r)))
        .then(conv, (e: Error) => {
          throw e instanceof Error && e.constructor !== Error ? new Error(e.message) : e;
        });
      // A rejection the script never handles must not take the process down (k6 logs it; see docs/engine.md).
      p.catch(() => {});
      return keepRunAlive(vu, p);
    }

    #count(r: Redis): void {
      const s = r.stream as { bytesWritten?: number; bytesRead?: number } | undefined;
      if (!s) return;
      const w = s.bytesWritten ?? 0;
      const rd = s.bytesRead ?? 0;
      st.addBytes(w - this.#sent, rd - this.#recv);
      this.#sent = w;
      this.#recv = rd;
    }

    set(key: unknown, value: unknown, expiration?: unknown) {
      const exp = Number(expiration);
      return this.#cmd('set', exp > 0 ? [key, value, 'EX', Math.trunc(exp)] : [key, value]);
    }
    get(key: unknown) {
      return this.#cmd('get', [key], nilRejects);
    }
    getSet(key: unknown, value: unknown) {
      return this.#cmd('getset', [key, value], nilRejects);
    }
    del(...keys: unknown[]) {
      return this.#cmd('del', keys);
    }
    getDel(key: unknown) {
      return this.#cmd('getdel', [key], nilRejects);
    }
    exists(...keys: unknown[]) {
      return this.#cmd('exists', keys);
    }
    incr(key: unknown) {
      return this.#cmd('incr', [key]);
    }
    incrBy(key: unknown, n: unknown) {
      return this.#cmd('incrby', [key, n]);
    }
    decr(key: unknown) {
      return this.#cmd('decr', [key]);
    }
    decrBy(key: unknown, n: unknown) {
      return this.#cmd('decrby', [key, n]);
    }
    randomKey() {
      return this.#cmd('randomkey', [], nilRejects);
    }
    mget(...keys: unknown[]) {
      return this.#cmd('mget', keys);
    }
    expire(key: unknown, secs: unknown) {
      return this.#cmd('expire', [key, secs], bool);
    }
    ttl(key: unknown) {
      return this.#cmd('ttl', [key], seconds);
    }
    persist(key: unknown) {
      return this.#cmd('persist', [key], bool);
    }
    lpush(key: unknown, ...values: unknown[]) {
      return this.#cmd('lpush', [key, ...values]);
    }
    rpush(key: unknown, ...values: unknown[]) {
      return this.#cmd('rpush', [key, ...values]);
    }
    lpop(key: unknown) {
      return this.#cmd('lpop', [key], nilRejects);
    }
    rpop(key: unknown) {
      return this.#cmd('rpop', [key], nilRejects);
    }
    lrange(key: unknown, start: unknown, stop: unknown) {
      return this.#cmd('lrange', [key, start, stop]);
    }
    lindex(key: unknown, i: unknown) {
      return this.#cmd('lindex', [key, i], nilRejects);
    }
    lset(key: unknown, i: unknown, v: unknown) {
      return this.#cmd('lset', [key, i, v]);
    }
    lrem(key: unknown, count: unknown, v: unknown) {
      return this.#cmd('lrem', [key, count, v]);
    }
    llen(key: unknown) {
      return this.#cmd('llen', [key]);
    }
    hset(key: unknown, field: unknown, v: unknown) {
      return this.#cmd('hset', [key, field, v]);
    }
    hsetnx(key: unknown, field: unknown, v: unknown) {
      return this.#cmd('hsetnx', [key, field, v], bool);
    }
    hget(key: unknown, field: unknown) {
      return this.#cmd('hget', [key, field], nilRejects);
    }
    hdel(key: unknown, ...fields: unknown[]) {
      return this.#cmd('hdel', [key, ...fields]);
    }
    hgetall(key: unknown) {
      return this.#cmd('hgetall', [key], (v) => {
        if (!Array.isArray(v)) return v; // ioredis already made it an object
        const a = v as string[];
        const o: Record<string, string> = {};
        for (let i = 0; i + 1 < a.length; i += 2) o[a[i]] = a[i + 1];
        return o;
      });
    }
    hkeys(key: unknown) {
      return this.#cmd('hkeys', [key]);
    }
    hvals(key: unknown) {
      return this.#cmd('hvals', [key]);
    }
    hlen(key: unknown) {
      return this.#cmd('hlen', [key]);
    }
    hincrby(key: unknown, field: unknown, n: unknown) {
      return this.#cmd('hincrby', [key, field, n]);
    }
    sadd(key: unknown, ...members: unknown[]) {
      return this.#cmd('sadd', [key, ...members]);
    }
    srem(key: unknown, ...members: unknown[]) {
      return this.#cmd('srem', [key, ...members]);
    }
    sismember(key: unknown, member: unknown) {
      return this.#cmd('sismember', [key, member], bool);
    }
    smembers(key: unknown) {
      return this.#cmd('smembers', [key]);
    }
    srandmember(key: unknown) {
      return this.#cmd('srandmember', [key], nilRejects);
    }
    spop(key: unknown) {
      return this.#cmd('spop', [key], nilRejects);
    }
    sendCommand(command: unknown, ...args: unknown[]) {
      return this.#cmd(String(command), args);
    }
  }

  const exports = { Client };
  return { ...exports, default: exports };
};
