import type { EngineProgress } from './types';

// running (00m01.0s), 0/6 VUs, 23 complete and 0 interrupted iterations
// k6 sizes the elapsed time to the test's max duration: (1.0s), (00m01.0s), (1h02m03.0s), (1d02h03m04.0s)
const RUNNING = /running \((?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(\d+(?:\.\d+)?)s\), (\d+)\/(\d+) VUs, (\d+) complete and (\d+) interrupted iterations/;
// ingest   [  50% ] 0/5 VUs  1.0s/2s ...      probe  ✓ [ 100% ] 1 VUs ...
const SCENARIO = /^\s*([A-Za-z0-9_-]+)\s+(?:[✓✗]\s+)?\[\s*(\d+(?:\.\d+)?)%\s*\]/;

/**
 * Reads k6's non-interactive progress output line by line: each `running (...)` line starts a
 * block, the scenario lines under it complete it; a block is emitted when the next one starts
 * or on `flush()`.
 */
export class ProgressParser {
  #pending: EngineProgress | undefined;
  #buf = '';
  constructor(private readonly emit: (p: EngineProgress) => void) {}

  write(chunk: string): void {
    this.#buf += chunk;
    let nl: number;
    while ((nl = this.#buf.search(/[\r\n]/)) >= 0) {
      const text = this.#buf.slice(0, nl);
      this.#buf = this.#buf.slice(nl + 1);
      this.line(text);
    }
  }

  line(text: string): void {
    const r = RUNNING.exec(text);
    if (r) {
      this.emitPending();
      this.#pending = {
        elapsedMs: Math.round((((Number(r[1] ?? 0) * 24 + Number(r[2] ?? 0)) * 60 + Number(r[3] ?? 0)) * 60 + Number(r[4])) * 1000),
        vus: Number(r[5]),
        maxVus: Number(r[6]),
        iterationsComplete: Number(r[7]),
        iterationsInterrupted: Number(r[8]),
        scenarios: {},
      };
      return;
    }
    const s = this.#pending && SCENARIO.exec(text);
    if (s && this.#pending) this.#pending.scenarios[s[1]] = Number(s[2]) / 100;
  }

  /** End of output: the last partial line and block. */
  flush(): void {
    if (this.#buf) {
      const text = this.#buf;
      this.#buf = '';
      this.line(text);
    }
    this.emitPending();
  }

  private emitPending(): void {
    const p = this.#pending;
    this.#pending = undefined;
    if (p) {
      try {
        this.emit(p);
      } catch {
        // a broken progress consumer must not break the run
      }
    }
  }
}
