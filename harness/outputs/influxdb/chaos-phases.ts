import { closeSync, openSync, readSync } from 'node:fs';

/** A journal entry worth an annotation (everything but the frequent probes and the plan). */
export interface ChaosEvent {
  event: string;
  /** Epoch ms. */
  at: number;
  fault?: string;
  /** One line for a Grafana annotation: the event, the fault and the rest of its fields. */
  text: string;
}

const QUIET = new Set(['probe', 'schedule']);

interface Window {
  fault: string;
  start: number;
  end?: number;
}

/**
 * The chaos phase at a sample's time, from the experiment's journal (`chaos-journal.jsonl`,
 * `inject` / `restored` entries with their wall-clock `at`), read as it grows: the same rule as
 * chaos's `phaseAt` (the most recently started active fault, else `baseline` before the first
 * fault and `recovery` after), so live points and the tagged `chaos-samples.jsonl` agree.
 * Runs without a journal (not chaos) get no phase.
 */
export class ChaosPhases {
  #windows: Window[] = [];
  #offset = 0;
  #carry = '';

  constructor(
    readonly journalFile: string,
    private readonly onEvent: (e: ChaosEvent) => void = () => {},
  ) {}

  /** Reads journal entries appended since the last call (cheap: a few lines per fault). */
  refresh(): void {
    let fd: number;
    try {
      fd = openSync(this.journalFile, 'r');
    } catch {
      return;
    }
    try {
      const buf = Buffer.allocUnsafe(64 * 1024);
      for (let n; (n = readSync(fd, buf, 0, buf.length, this.#offset)) > 0; ) {
        this.#offset += n;
        const text = this.#carry + buf.toString('utf8', 0, n);
        const lines = text.split('\n');
        this.#carry = lines.pop() ?? '';
        for (const l of lines) this.#entry(l);
      }
    } finally {
      closeSync(fd);
    }
  }

  #entry(line: string): void {
    let e: { event?: string; fault?: string; at?: string; t?: number } & Record<string, unknown>;
    try {
      e = JSON.parse(line);
    } catch {
      return;
    }
    const at = e.at ? Date.parse(e.at) : NaN;
    if (Number.isNaN(at) || typeof e.event !== 'string') return;
    if (!QUIET.has(e.event)) {
      const { event, fault, at: _at, t: _t, ...rest } = e;
      const more = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
      this.onEvent({ event, at, fault: typeof fault === 'string' ? fault : undefined, text: `${event}${typeof fault === 'string' ? ` ${fault}` : ''}${more}`.slice(0, 300) });
    }
    if (!e.fault) return;
    this.#cached = undefined;
    if (e.event === 'inject') this.#windows.push({ fault: e.fault, start: at });
    else if (e.event === 'restored') {
      const w = this.#windows.findLast((x) => x.fault === e.fault && x.end === undefined);
      if (w) w.end = at;
    }
  }

  /** The last answer and the times it holds for (between two window edges). */
  #cached: { from: number; to: number; phase: { phase: string; fault?: string } } | undefined;

  /**
   * undefined until the journal exists (a run that is not a chaos experiment). Called per
   * sample: the answer is kept (the same object) until the time crosses a window's edge.
   */
  at(timeMs: number): { phase: string; fault?: string } | undefined {
    if (this.#offset === 0) return undefined;
    const c = this.#cached;
    if (c && timeMs >= c.from && timeMs < c.to) return c.phase;
    let active: Window | undefined;
    let from = -Infinity;
    let to = Infinity;
    for (const w of this.#windows) {
      if (w.start <= timeMs && (w.end === undefined || timeMs < w.end) && (!active || w.start >= active.start)) active = w;
      for (const edge of [w.start, w.end ?? Infinity]) {
        if (edge <= timeMs && edge > from) from = edge;
        if (edge > timeMs && edge < to) to = edge;
      }
    }
    let phase: { phase: string; fault?: string };
    if (active) phase = { phase: 'fault', fault: active.fault };
    else {
      const first = this.#windows.reduce((m, w) => Math.min(m, w.start), Infinity);
      phase = { phase: timeMs < first ? 'baseline' : 'recovery' };
    }
    this.#cached = { from, to, phase };
    return phase;
  }
}
