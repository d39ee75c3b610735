import { closeSync, openSync, writeSync } from 'node:fs';
import { encodeMetricLine, encodePointLine } from './encode-samples';
import type { MetricInfo, Sample } from './types';

/**
 * Writes a k6 JSON stream file line by line through the one encoder (`encodeMetricLine`,
 * `encodePointLine`), buffered, never the whole stream in memory. For tools that rewrite a
 * stream (chaos's phase-tagged copy); the engine's `--out json` uses the same encoder with its
 * own asynchronous, gzip-capable output. Call `metric()` before the first Point of a metric.
 */
export class SampleFileWriter implements Disposable {
  #fd: number | undefined;
  #chunk = '';

  constructor(readonly path: string) {
    this.#fd = openSync(path, 'w');
  }

  metric(info: MetricInfo): this {
    return this.#push(encodeMetricLine(info));
  }

  point(sample: Sample): this {
    return this.#push(encodePointLine(sample));
  }

  /** Flushes and closes; idempotent. */
  close(): void {
    if (this.#fd === undefined) return;
    this.#flush();
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #push(line: string): this {
    if (this.#fd === undefined) throw new Error(`SampleFileWriter(${this.path}): write after close()`);
    this.#chunk += line;
    if (this.#chunk.length >= 1 << 16) this.#flush();
    return this;
  }

  #flush(): void {
    if (this.#chunk) writeSync(this.#fd!, this.#chunk);
    this.#chunk = '';
  }
}
