import { setTimeout as sleep } from 'node:timers/promises';
import { decodeLine, type StreamRecord } from './decode-line';
import { LineTail } from './line-tail';

export interface ReadSamplesOptions {
  /**
   * Keep reading as the file grows (an engine still writing it) until `signal` aborts; then one
   * last read. Without it, the reader stops at the current end of the file.
   */
  follow?: boolean;
  signal?: AbortSignal;
  /** How often a followed file is polled for new lines (default 250 ms). */
  pollMs?: number;
  /** Initial read buffer; it grows when a single line does not fit. */
  bufferBytes?: number;
}

/**
 * The one streaming reader of a k6 JSON stream file: Metric and Point records in file order,
 * read in buffer-sized batches of complete lines (`LineTail`), never the whole file. A missing
 * file reads as empty (or, followed, as not yet created). A last line without its newline is
 * decoded at the end; a line a killed engine cut short is skipped.
 *
 *   for await (const r of readSamples('samples.ndjson')) if (r.type === 'Point') use(r.sample);
 */
export async function* readSamples(path: string, opts: ReadSamplesOptions = {}): AsyncGenerator<StreamRecord> {
  using tail = new LineTail(path, { bufferBytes: opts.bufferBytes });
  for (;;) {
    const batch = tail.read();
    if (batch) {
      yield* decodeBatch(batch);
      continue;
    }
    if (!opts.follow || opts.signal?.aborted) break;
    await sleep(opts.pollMs ?? 250, undefined, { signal: opts.signal }).catch(() => undefined);
  }
  // one last read after an abort (the writer's final lines), then the unterminated rest
  if (opts.follow) {
    for (let batch = tail.read(); batch; batch = tail.read()) yield* decodeBatch(batch);
  }
  const last = decodeLine(tail.partial.toString('utf8'));
  if (last) yield last;
}

/** Decoded before anything is yielded: the batch is a view the next read reuses. */
function decodeBatch(batch: Buffer): StreamRecord[] {
  const records: StreamRecord[] = [];
  for (const line of batch.toString('utf8').split('\n')) {
    const r = decodeLine(line);
    if (r) records.push(r);
  }
  return records;
}
