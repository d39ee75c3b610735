import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { decodeTargetRecord } from './target-record';
import type { TargetRecord } from './types';

/**
 * The records of a target file (`target.ndjson`, or `.gz` decompressed as it is read), in file
 * order, streaming. A missing file reads as empty; a line or a gzip stream a crash cut short ends
 * the reading where it became unreadable.
 */
export async function* readTargetRecords(path: string): AsyncGenerator<TargetRecord> {
  const file = createReadStream(path);
  let input: Readable = file;
  if (path.endsWith('.gz')) {
    const gunzip = createGunzip();
    file.on('error', (e) => gunzip.destroy(e));
    input = file.pipe(gunzip);
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const r = decodeTargetRecord(line);
      if (r) yield r;
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'Z_BUF_ERROR') throw e;
  } finally {
    lines.close();
    file.destroy();
  }
}
