/**
 * `k6/experimental/csv`: `parse(file, options)` resolves to a SharedArray of the rows (parsed
 * once per test), `new Parser(file, options)` reads row by row with `next()` → `{ done, value }`.
 * Options as k6: delimiter (default ','), skipFirstLine, fromLine, toLine (0-based line numbers of
 * the file, both included; the header is line 0), asObjects (the first line is the header). Quoting per RFC 4180 (`""` inside quotes is a quote).
 */
import type { ModuleFactory, VUState } from '../types';
import { internalState } from '../runtime/vu-state';
import { deepFreeze } from './execution';
import { K6File } from './fs';
import { holdInit } from './init-promise';

interface CsvOptions {
  delimiter: string;
  skipFirstLine: boolean;
  fromLine?: number;
  toLine?: number;
  asObjects: boolean;
}

function csvOptions(o: unknown): CsvOptions {
  const r = (o ?? {}) as Record<string, unknown>;
  const delimiter = r.delimiter === undefined ? ',' : String(r.delimiter);
  if ([...delimiter].length !== 1) throw new TypeError('csv: delimiter must be a single character');
  const line = (k: string) => {
    if (r[k] === undefined) return undefined;
    const n = Number(r[k]);
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`the '${k}' option must be greater than or equal to 0; got ${String(r[k])}`);
    return n;
  };
  const out: CsvOptions = { delimiter, skipFirstLine: r.skipFirstLine === true, fromLine: line('fromLine'), toLine: line('toLine'), asObjects: r.asObjects === true };
  // k6's rules and texts (internal/js/modules/k6/experimental/csv at v2.2.0)
  if (out.asObjects && out.skipFirstLine) throw new TypeError("the 'header' option cannot be enabled when 'skipFirstLine' is true");
  if (out.asObjects && (out.fromLine ?? 0) > 0) throw new TypeError("the 'header' option cannot be enabled when 'fromLine' is set to a value greater than 0");
  if (out.fromLine !== undefined && out.toLine !== undefined && out.fromLine >= out.toLine)
    throw new TypeError(`the 'fromLine' option must be less than the 'toLine' option; got 'fromLine': ${out.fromLine}, 'toLine': ${out.toLine}`);
  return out;
}

/** All records of `text` (fields as strings); a trailing newline adds no record. */
export function parseCsvRecords(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === delimiter) { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { endRow(); i += 2; continue; }
    if (c === '\n') { endRow(); i++; continue; }
    field += c;
    i++;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** Rows after the line options, as arrays or (asObjects) objects keyed by the header line. */
function shapeRows(records: string[][], o: CsvOptions): unknown[] {
  let header: string[] | null = null;
  let rest = records;
  if (o.asObjects) {
    header = records[0] ?? [];
    rest = records.slice(1);
  }
  // fromLine/toLine count lines of the file from 0 (the header, when asObjects, is line 0)
  const first = o.asObjects ? 1 : 0;
  const out: unknown[] = [];
  rest.forEach((r, idx) => {
    const line = idx + first;
    if (o.skipFirstLine && line === 0) return;
    if (o.fromLine !== undefined && line < o.fromLine) return;
    if (o.toLine !== undefined && line > o.toLine) return;
    if (header && r.length !== header.length) throw new Error(`record length (${r.length}) doesn't match header length (${header.length})`);
    out.push(header ? Object.fromEntries(header.map((h, j) => [h, r[j]!])) : r);
  });
  return out;
}

function fileOf(file: unknown): K6File {
  if (!(file instanceof K6File)) throw new TypeError('csv: the first argument must be a file opened with k6/experimental/fs open()');
  return file;
}

export const csvModule: ModuleFactory = (vu: VUState) => {
  const st = internalState(vu);
  const parse = (file: unknown, options?: unknown): Promise<readonly unknown[]> => holdInit(vu, parseOnce(file, options));
  const parseOnce = (file: unknown, options?: unknown): Promise<readonly unknown[]> => {
    try {
      if (!vu.inInit) throw new Error('csv.parse() can only be called in the init context');
      const f = fileOf(file);
      const o = csvOptions(options);
      const key = `k6/experimental/csv:${f.path}:${JSON.stringify(o)}`;
      let p = st.shared.sharedArrays.get(key);
      if (!p) {
        p = Promise.resolve(deepFreeze(JSON.parse(JSON.stringify(shapeRows(parseCsvRecords(f.data.toString('utf8'), o.delimiter), o))) as unknown[]));
        st.shared.sharedArrays.set(key, p);
      }
      return p;
    } catch (e) {
      return Promise.reject(e);
    }
  };
  class Parser {
    #rows: unknown[];
    #next = 0;
    constructor(file: unknown, options?: unknown) {
      if (!vu.inInit) throw new Error('csv.Parser must be constructed in the init context');
      const f = fileOf(file);
      const o = csvOptions(options);
      this.#rows = shapeRows(parseCsvRecords(f.data.toString('utf8'), o.delimiter), o);
    }
    async next(): Promise<{ done: boolean; value: unknown }> {
      if (this.#next >= this.#rows.length) return { done: true, value: undefined };
      return { done: false, value: this.#rows[this.#next++] };
    }
  }
  const exports = { parse, Parser };
  return { ...exports, default: exports };
};
