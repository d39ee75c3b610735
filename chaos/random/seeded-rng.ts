/**
 * The one source of randomness for chaos: jitter, toxicity rolls, slicer sizes and fault
 * schedules all draw from a `SeededRng` passed in explicitly, so a seed replays a run exactly
 * (the lesson from toxiproxy's `-seed`, whose generator is discarded). mulberry32: tiny, fast and
 * good enough for fault injection (not for cryptography).
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** An independent generator derived from this one (stable for a given draw order). */
  fork(label?: string): Rng;
}

export class SeededRng implements Rng {
  readonly seed: number;
  #state: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.#state = this.seed;
  }

  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    if (max <= min) return min;
    return min + Math.floor(this.next() * (max - min + 1));
  }

  fork(label = ''): Rng {
    let h = Math.floor(this.next() * 4294967296) >>> 0;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619) >>> 0;
    return new SeededRng(h);
  }
}

/** A seed for when none was given; callers print and store it so the run can be replayed. */
export function randomSeed(): number {
  return (Date.now() ^ (process.pid << 16) ^ Math.floor(Math.random() * 0xffffffff)) >>> 0;
}
