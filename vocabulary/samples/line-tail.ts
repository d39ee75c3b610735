import { closeSync, openSync, readSync } from 'node:fs';

const NL = 0x0a;

/**
 * Reads the complete lines appended to a file since the last call, without ever holding the
 * whole file: one reused buffer, the partial last line carried to the next read (and the buffer
 * doubled when a single line does not fit). The file may not exist yet (nothing to read) and may
 * still be growing (an engine writing it):
 *
 *   file ──readSync(offset)──▶ buffer [carry | new bytes] ──▶ complete lines ──▶ caller
 *                                         ▲___ partial last line ___|
 *
 * `read()` returns a view of whole lines (each ending in `\n`) valid until the next call, or
 * undefined when nothing complete was appended. Not safe for concurrent use. `close()` is idempotent.
 */
export class LineTail implements Disposable {
  #buf: Buffer;
  /** Valid bytes are #buf[#start, #end): the lines handed out last time end at #start. */
  #start = 0;
  #end = 0;
  #offset = 0;
  #fd: number | undefined;
  #closed = false;

  constructor(readonly path: string, opts: { bufferBytes?: number } = {}) {
    this.#buf = Buffer.allocUnsafe(opts.bufferBytes ?? 1 << 20);
  }

  /** Bytes read from the file so far (complete lines plus the carried partial one). */
  get offset(): number {
    return this.#offset;
  }

  /** The carried partial last line (bytes after the last newline), e.g. to try at end of stream. */
  get partial(): Buffer {
    return this.#buf.subarray(this.#start, this.#end);
  }

  /** The next batch of complete lines appended since the last call (at most about a buffer's worth). */
  read(): Buffer | undefined {
    if (this.#closed) return undefined;
    if (this.#fd === undefined) {
      try {
        this.#fd = openSync(this.path, 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // the writer has not created it yet
        throw e;
      }
    }
    if (this.#start > 0) {
      // the partial line left after the last batch moves to the front (the batch view is now stale)
      this.#end = this.#buf.copy(this.#buf, 0, this.#start, this.#end);
      this.#start = 0;
    }
    for (;;) {
      const want = this.#buf.length - this.#end;
      const n = readSync(this.#fd, this.#buf, this.#end, want, this.#offset);
      if (n === 0) return undefined;
      this.#offset += n;
      this.#end += n;
      const lastNl = this.#buf.lastIndexOf(NL, this.#end - 1);
      if (lastNl >= 0) {
        this.#start = lastNl + 1;
        return this.#buf.subarray(0, lastNl + 1);
      }
      // No complete line yet: keep it all; grow when one line fills the buffer.
      if (this.#end === this.#buf.length) {
        const bigger = Buffer.allocUnsafe(this.#buf.length * 2);
        this.#buf.copy(bigger, 0, 0, this.#end);
        this.#buf = bigger;
      }
      if (n < want) return undefined; // reached the end of what is written so far
    }
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#closed = true;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
