/**
 * How a request answered by one process reaches every process: /status and /metrics need all
 * processes' counters, /start, /stop and /reset must change all of them.
 *
 *   LocalControlPlane    WORKERS=1: the process itself, no IPC (the null object).
 *   ClusterControlPlane  a cluster worker asks the primary over IPC; the primary fans out to
 *                        every worker (runPrimary in cluster.ts) and answers with the sum.
 */
import type { ProcessSnapshot } from './process-state';

export type ControlCommand = { op: 'start' } | { op: 'stop' } | { op: 'reset' };

/** What each process must do when told (implemented by the gateway server). */
export interface LocalControl {
  snapshot(): ProcessSnapshot;
  apply(cmd: ControlCommand): void;
  metrics(): Promise<string>;
}

export interface ControlPlane {
  snapshots(): Promise<ProcessSnapshot[]>;
  /** Prometheus text of the gateway process metrics, summed over processes. */
  metrics(): Promise<string>;
  apply(cmd: ControlCommand): Promise<void>;
  close(): void;
}

export class LocalControlPlane implements ControlPlane {
  constructor(private readonly local: LocalControl) {}
  async snapshots() {
    return [this.local.snapshot()];
  }
  metrics() {
    return this.local.metrics();
  }
  async apply(cmd: ControlCommand) {
    this.local.apply(cmd);
  }
  close() {}
}

/** Messages between cluster workers and the primary (all carry `th` so others' IPC is ignored). */
export type IpcMessage =
  | { th: 'ask'; id: number; op: 'snapshots' | 'metrics' }
  | { th: 'ask'; id: number; op: 'control'; cmd: ControlCommand }
  | { th: 'answer'; id: number; result?: unknown; error?: string }
  | { th: 'snapshot'; id: number }
  | { th: 'snapshot-reply'; id: number; snapshot: ProcessSnapshot }
  | { th: 'control'; id: number; cmd: ControlCommand }
  | { th: 'control-ack'; id: number }
  | { th: 'shutdown' };

export function isIpc(m: unknown): m is IpcMessage {
  return typeof m === 'object' && m !== null && typeof (m as { th?: unknown }).th === 'string';
}

export class ClusterControlPlane implements ControlPlane {
  #next = 0;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  readonly #onMessage = (m: unknown) => this.#handle(m);

  constructor(private readonly local: LocalControl, private readonly timeoutMs = 3000) {
    process.on('message', this.#onMessage);
  }

  snapshots() {
    return this.#ask({ op: 'snapshots' }) as Promise<ProcessSnapshot[]>;
  }
  metrics() {
    return this.#ask({ op: 'metrics' }) as Promise<string>;
  }
  async apply(cmd: ControlCommand) {
    await this.#ask({ op: 'control', cmd });
  }
  close() {
    process.off('message', this.#onMessage);
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('control plane closed'));
    }
    this.#pending.clear();
  }

  #ask(q: { op: 'snapshots' | 'metrics' } | { op: 'control'; cmd: ControlCommand }): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`primary did not answer "${q.op}" within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      process.send!({ th: 'ask', id, ...q } satisfies IpcMessage);
    });
  }

  #handle(m: unknown): void {
    if (!isIpc(m)) return;
    if (m.th === 'answer') {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.result);
    } else if (m.th === 'snapshot') {
      process.send!({ th: 'snapshot-reply', id: m.id, snapshot: this.local.snapshot() } satisfies IpcMessage);
    } else if (m.th === 'control') {
      this.local.apply(m.cmd);
      process.send!({ th: 'control-ack', id: m.id } satisfies IpcMessage);
    }
  }
}
