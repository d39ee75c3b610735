/**
 * `k6/experimental/fs`: `open(path)` in the init context resolves to a File with `read`, `seek`
 * and `stat`, all returning Promises (as in k6). A file is read once per test and shared by every
 * VU; each File has its own offset. Paths resolve against the script's directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ModuleFactory, VUState } from '../types';
import { internalState } from '../runtime/vu-state';
import { holdInit } from './init-promise';

export const SeekMode = Object.freeze({ Start: 0, Current: 1, End: 2 });

/** The bytes of a file opened by `k6/experimental/fs`, shared per test run (keyed by its shared state). */
const contents = new WeakMap<object, Map<string, Buffer>>();

export class K6File {
  #offset = 0;
  constructor(readonly path: string, readonly data: Buffer) {}

  /** Fills `p` from the offset; the count read, or null at EOF (k6: null, not 0). */
  async read(p: unknown): Promise<number | null> {
    if (!(p instanceof Uint8Array) && !ArrayBuffer.isView(p)) throw new TypeError('read() expects a Uint8Array as argument');
    const view = new Uint8Array((p as Uint8Array).buffer, (p as Uint8Array).byteOffset, (p as Uint8Array).byteLength);
    if (this.#offset >= this.data.length) return null;
    const n = Math.min(view.length, this.data.length - this.#offset);
    view.set(this.data.subarray(this.#offset, this.#offset + n));
    this.#offset += n;
    return n;
  }

  async seek(offset: unknown, whence: unknown = SeekMode.Start): Promise<number> {
    const off = Number(offset);
    if (!Number.isInteger(off)) throw new TypeError('offset must be an integer');
    const base = whence === SeekMode.Start ? 0 : whence === SeekMode.Current ? this.#offset : whence === SeekMode.End ? this.data.length : NaN;
    if (Number.isNaN(base)) throw new TypeError(`invalid whence ${String(whence)}: use SeekMode.Start, SeekMode.Current or SeekMode.End`);
    if (whence === SeekMode.Start && off < 0) throw new TypeError('offset cannot be negative when using SeekMode.Start');
    if (whence === SeekMode.End && off > 0) throw new TypeError('offset cannot be positive when using SeekMode.End');
    const next = base + off;
    if (next < 0) throw new TypeError('seeking before the start of the file');
    this.#offset = next;
    return next;
  }

  async stat(): Promise<{ name: string; size: number }> {
    return { name: path.basename(this.path), size: this.data.length };
  }
}

export const fsModule: ModuleFactory = (vu: VUState) => {
  const st = internalState(vu);
  let files = contents.get(st.shared);
  if (!files) contents.set(st.shared, (files = new Map()));
  const cache = files;
  const open = (p: unknown): Promise<K6File> => holdInit(vu, openFile(p));
  const openFile = (p: unknown): Promise<K6File> => {
    if (!vu.inInit) return Promise.reject(new Error('open() failed; reason: opening a file is allowed only in the Init context'));
    if (typeof p !== 'string' || p === '') return Promise.reject(new TypeError('open() failed; reason: path cannot be empty'));
    const abs = path.resolve(vu.options.cwd, p);
    let data = cache.get(abs);
    if (!data) {
      try {
        if (fs.statSync(abs).isDirectory()) return Promise.reject(new Error(`open() failed; reason: ${abs} is a directory`));
        data = fs.readFileSync(abs);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return Promise.reject(new Error(`open() failed; reason: ${code === 'ENOENT' ? `no such file or directory: ${abs}` : (e as Error).message}`));
      }
      cache.set(abs, data);
    }
    return Promise.resolve(new K6File(abs, data));
  };
  const exports = { open, File: K6File, SeekMode };
  return { ...exports, default: exports };
};
