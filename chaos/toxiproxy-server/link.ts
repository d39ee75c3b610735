import type { Socket } from 'node:net';
import type { Rng } from '../random';
import type { ChainListener, StreamName, ToxicCollection, ToxicWrapper } from './toxic-collection';
import { NoopToxic, type Chunk, type ToxicInstance, type ToxicRegistry } from './toxics';

const EOF = Symbol('eof');
const HIGH_WATER = 16;

interface Active {
  wrapper: ToxicWrapper;
  instance: ToxicInstance;
  abort: AbortController;
}

/**
 * One direction of a proxied connection. Bytes read from `src` run through the toxic chain in
 * order and are written to `dst`:
 *
 *   src ──▶ [toxic 1] ──▶ [toxic 2] ──▶ … ──▶ dst
 *
 * Chunks are processed serially (a toxic may hold one, e.g. latency), each stamped with the time
 * it was read. When the chain changes, removed toxics are aborted (their held chunk passes on)
 * and new ones join for the next chunk; toxicity is rolled once per toxic per link.
 */
export class Link implements ChainListener {
  #active: Active[] = [];
  #queue: Array<Chunk | typeof EOF> = [];
  #pumping = false;
  #closeAfterWrite = false;
  #detach: () => void = () => {};
  /** No active toxic transforms data: chunks go straight to `dst` (no queue, no promise, no timer). */
  #passthrough = true;
  #waitingDrain = false;
  done = false;
  /** Bytes read from `src` / written to `dst` (Toxiproxy's received/sent byte counters). */
  received = 0;
  sent = 0;

  constructor(
    readonly direction: StreamName,
    private readonly src: Socket,
    private readonly dst: Socket,
    private readonly conn: ProxyConnection,
    private readonly registry: ToxicRegistry,
    private readonly rng: Rng,
  ) {}

  /**
   * Whether the last chunk given to `read` is still referenced (queued for a toxic, or not yet
   * flushed to the kernel), so a reused read buffer must not be overwritten (`onread` in proxy.ts).
   */
  lastReadKept = false;

  /**
   * `borrowed`: `src` reads into a reused buffer (`onread`, see proxy.ts) and hands chunks to
   * `read`; otherwise each read is a fresh Buffer from a `data` event.
   */
  start(collection: ToxicCollection, borrowed = false): void {
    this.#detach = collection.attach(this);
    if (!borrowed) this.src.on('data', (data: Buffer) => this.read(data, false));
    this.src.on('end', () => {
      this.#queue.push(EOF);
      this.#kick();
    });
    this.src.resume();
  }

  /** One chunk read from `src`. A `borrowed` one lives in a buffer the next read overwrites. */
  read(data: Buffer, borrowed: boolean): void {
    this.received += data.length;
    if (this.#passthrough && !this.#pumping && this.#queue.length === 0 && !this.conn.closed) {
      this.#writeDirect(data);
      // Written through to the kernel at once (the common case) leaves nothing queued.
      this.lastReadKept = this.dst.writableLength > 0;
      return;
    }
    this.#queue.push({ data: borrowed ? Buffer.from(data) : data, at: performance.now() });
    this.lastReadKept = false;
    if (this.#queue.length >= HIGH_WATER) this.src.pause();
    this.#kick();
  }

  sync(chain: readonly ToxicWrapper[]): void {
    const keep = new Set(chain);
    const names = new Set(chain.map((w) => w.name));
    let close = false;
    for (const a of this.#active) {
      if (keep.has(a.wrapper)) continue;
      a.abort.abort();
      // Removed (not updated): a toxic like `timeout` takes the connection with it.
      if (!names.has(a.wrapper.name) && this.registry.get(a.wrapper.type)?.closeOnRemove) close = true;
    }
    const byWrapper = new Map(this.#active.map((a) => [a.wrapper, a]));
    this.#active = chain.map((wrapper) => byWrapper.get(wrapper) ?? this.#create(wrapper));
    this.#passthrough = this.#active.every((a) => !a.instance.transform);
    if (close) this.conn.close();
  }

  /** The no-toxic path: like `pipe`, pausing `src` while `dst` is full. */
  #writeDirect(data: Buffer): void {
    if (data.length === 0 || this.dst.destroyed || this.dst.writableEnded) return;
    this.sent += data.length;
    if (this.dst.write(data) || this.#waitingDrain) return;
    this.#waitingDrain = true;
    this.src.pause();
    const resume = () => {
      this.dst.off('drain', resume);
      this.dst.off('close', resume);
      this.#waitingDrain = false;
      if (!this.src.destroyed && this.#queue.length < HIGH_WATER) this.src.resume();
    };
    this.dst.on('drain', resume);
    this.dst.on('close', resume);
  }

  stop(): void {
    this.#detach();
    for (const a of this.#active) a.abort.abort();
    this.#active = [];
  }

  #create(wrapper: ToxicWrapper): Active {
    const abort = new AbortController();
    const type = this.registry.get(wrapper.type);
    // Toxicity: the toxic acts on this connection with that probability, else it is a noop.
    const acts = type !== undefined && this.rng.next() < wrapper.toxicity;
    const instance = acts
      ? type.create({ ...wrapper.attributes }, {
          rng: this.rng,
          signal: abort.signal,
          closeAfterWrite: () => (this.#closeAfterWrite = true),
          close: () => this.conn.close(),
          reset: () => this.conn.reset(),
        })
      : NoopToxic;
    return { wrapper, instance, abort };
  }

  #kick(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    this.#pump()
      .catch(() => this.conn.destroy())
      .finally(() => (this.#pumping = false));
  }

  async #pump(): Promise<void> {
    while (this.#queue.length > 0 && !this.conn.closed) {
      const item = this.#queue.shift()!;
      if (this.#queue.length < HIGH_WATER / 2 && this.src.isPaused() && !this.src.destroyed && !this.#waitingDrain) this.src.resume();
      const chain = [...this.#active];
      if (item === EOF) {
        for (const a of chain) await a.instance.beforeClose?.();
        if (this.conn.closed) return;
        await new Promise<void>((resolve) => (this.dst.writableEnded ? resolve() : this.dst.end(resolve)));
        this.done = true;
        this.conn.linkDone();
        return;
      }
      await this.#run(chain, 0, item);
      if (this.#closeAfterWrite) {
        this.conn.close();
        return;
      }
    }
  }

  async #run(chain: Active[], index: number, chunk: Chunk): Promise<void> {
    if (this.conn.closed) return;
    const a = chain[index];
    if (!a) return this.#write(chunk.data);
    const next = (data: Buffer) => this.#run(chain, index + 1, { data, at: chunk.at });
    if (!a.instance.transform || a.abort.signal.aborted) return next(chunk.data);
    await a.instance.transform(chunk, next);
  }

  #write(data: Buffer): Promise<void> {
    if (data.length === 0 || this.dst.destroyed || this.dst.writableEnded) return Promise.resolve();
    this.sent += data.length;
    if (this.dst.write(data)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.dst.off('drain', done);
        this.dst.off('close', done);
        resolve();
      };
      this.dst.on('drain', done);
      this.dst.on('close', done);
    });
  }
}

/** A client connection and its upstream connection, with a link each way. */
export class ProxyConnection {
  closed = false;
  readonly upstreamLink: Link;
  readonly downstreamLink: Link;
  #closeTimer?: NodeJS.Timeout;

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    collection: ToxicCollection,
    registry: ToxicRegistry,
    rng: Rng,
    private readonly onClosed: (c: ProxyConnection) => void,
    /** `upstream` reads into a reused buffer and hands chunks to `downstreamLink.read`. */
    upstreamBorrowed = false,
  ) {
    this.upstreamLink = new Link('upstream', client, upstream, this, registry, rng);
    this.downstreamLink = new Link('downstream', upstream, client, this, registry, rng);
    for (const s of [client, upstream]) {
      s.on('error', () => this.destroy());
      s.on('close', (hadError) => hadError && this.destroy());
    }
    this.upstreamLink.start(collection);
    this.downstreamLink.start(collection, upstreamBorrowed);
  }

  linkDone(): void {
    if (this.upstreamLink.done && this.downstreamLink.done) this.destroy();
  }

  /** FIN both ways, flushing what was written; forced after a grace period. */
  close(): void {
    if (this.closed) return;
    this.#teardown();
    this.client.end();
    this.upstream.end();
    this.#closeTimer = setTimeout(() => this.destroy(), 2000);
    this.#closeTimer.unref();
    const both = () => this.client.destroyed && this.upstream.destroyed && clearTimeout(this.#closeTimer);
    this.client.once('close', both);
    this.upstream.once('close', both);
  }

  /** RST to both sides, as Toxiproxy's `reset_peer` (SO_LINGER 0 on both sockets, then close). */
  reset(): void {
    if (this.closed) return;
    this.#teardown();
    for (const s of [this.client, this.upstream]) {
      if (!s.destroyed && s.readyState !== 'opening') s.resetAndDestroy();
      else s.destroy();
    }
  }

  destroy(): void {
    if (this.#closeTimer) clearTimeout(this.#closeTimer);
    if (!this.closed) this.#teardown();
    this.client.destroy();
    this.upstream.destroy();
  }

  #teardown(): void {
    this.closed = true;
    this.upstreamLink.stop();
    this.downstreamLink.stop();
    this.onClosed(this);
  }
}
