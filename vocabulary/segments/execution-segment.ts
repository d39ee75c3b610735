import { Rational } from './rational';

/**
 * k6's execution segments, ported from grafana/k6 v0.48.0 lib/execution_segment.go (the algorithm,
 * not the code): a segment `(from, to]` of the whole test (0..1) is the share one instance runs;
 * a sequence of adjacent segments partitions the test between instances. The striping algorithm
 * (ExecutionSegmentSequenceWrapper) hands every index 0, 1, 2, ... (a VU number, an iteration
 * number) to exactly one segment, in a pattern that repeats every LCD(denominators) indices, so
 * that the instances together do exactly what one instance would.
 */
export class ExecutionSegment {
  readonly length: Rational;
  private constructor(
    readonly from: Rational,
    readonly to: Rational,
  ) {
    this.length = to.sub(from);
  }

  static readonly FULL = new ExecutionSegment(Rational.ZERO, Rational.ONE);

  /** Validates 0 <= from < to <= 1 (k6's NewExecutionSegment); throws with k6's message. */
  static of(from: Rational, to: Rational): ExecutionSegment {
    if (from.cmp(Rational.ZERO) < 0) throw new Error(`segment start value must be at least 0 but was ${from.toFixed2()}`);
    if (from.cmp(to) >= 0) throw new Error(`segment start(${from.toFixed2()}) must be less than its end(${to.toFixed2()})`);
    if (to.cmp(Rational.ONE) > 0) throw new Error(`segment end value can't be more than 1 but was ${to.toFixed2()}`);
    return new ExecutionSegment(from, to);
  }

  /** Unvalidated (the filler segments k6 adds around a sequence). */
  static unchecked(from: Rational, to: Rational): ExecutionSegment {
    return new ExecutionSegment(from, to);
  }

  /**
   * k6's NewExecutionSegmentFromString: `a:b` is the segment (a, b]; a single value `b` is (0, b];
   * empty is the whole test. Values are fractions, decimals or integer percentages
   * (`1/2:3/4`, `0.5:0.75`, `50%:75%`, `25%`).
   */
  static parse(text: string): ExecutionSegment {
    let toStr = text === '' ? '1' : text;
    let from = Rational.ZERO;
    const colon = toStr.indexOf(':');
    if (colon !== -1) {
      from = parseRat(toStr.slice(0, colon));
      toStr = toStr.slice(colon + 1);
    }
    return ExecutionSegment.of(from, parseRat(toStr));
  }

  get isFull(): boolean {
    return this.from.equals(Rational.ZERO) && this.to.equals(Rational.ONE);
  }

  equals(o: ExecutionSegment): boolean {
    return this.from.equals(o.from) && this.to.equals(o.to);
  }

  /** `from:to` in Go's RatString form (`0:1/2`). */
  toString(): string {
    return `${this.from}:${this.to}`;
  }
}

function parseRat(s: string): Rational {
  const r = Rational.parse(s);
  if (!r) throw new Error(s.endsWith('%') ? `'${s}' is not a valid percentage` : `'${s}' is not a valid percentage, decimal, fraction or interval value`);
  return r;
}

/**
 * k6's ExecutionSegmentSequence: `r1,r2,...,rn` is (r1, r2], (r2, r3], ...; each segment starts
 * where the previous one ends. An empty string is no sequence.
 */
export function parseExecutionSegmentSequence(text: string): ExecutionSegment[] {
  if (text === '') return [];
  const points = text.split(',');
  if (points.length < 2) throw new Error(`at least 2 points are needed for an execution segment sequence, ${points.length} given`);
  const rats = points.map(parseRat);
  const segments: ExecutionSegment[] = [];
  for (let i = 1; i < rats.length; i++) segments.push(ExecutionSegment.of(rats[i - 1], rats[i]));
  return segments;
}

export function sequenceToString(seq: readonly ExecutionSegment[]): string {
  return seq.length ? [seq[0].from, ...seq.map((s) => s.to)].map(String).join(',') : '';
}

/**
 * k6's GetFilledExecutionSegmentSequence: no sequence → just the segment; then filler segments
 * before and after so the sequence covers 0..1.
 */
export function fillSequence(sequence: readonly ExecutionSegment[], segment: ExecutionSegment | undefined): ExecutionSegment[] {
  let result: ExecutionSegment[];
  if (!sequence.length) {
    if (!segment || segment.length.equals(Rational.ONE)) return [ExecutionSegment.FULL];
    result = [segment];
  } else result = [...sequence];
  if (!result[0].from.equals(Rational.ZERO)) result.unshift(ExecutionSegment.unchecked(Rational.ZERO, result[0].from));
  const last = result[result.length - 1];
  if (!last.to.equals(Rational.ONE)) result.push(ExecutionSegment.unchecked(last.to, Rational.ONE));
  return result;
}

/**
 * A full sequence with its striping precomputed (k6's ExecutionSegmentSequenceWrapper). For each
 * segment: `start`, the first index it owns, and `offsets`, the gaps to its next indices; the
 * pattern repeats every `lcd` indices.
 */
export class StripedSequence {
  readonly lcd: number;
  private readonly starts: number[];
  private readonly gaps: number[][];

  constructor(readonly segments: readonly ExecutionSegment[]) {
    const seqs = segments;
    if (!seqs.length || !seqs[0].from.equals(Rational.ZERO) || !seqs[seqs.length - 1].to.equals(Rational.ONE)) {
      throw new Error(`cannot stripe a non-full execution segment sequence '${sequenceToString(seqs)}'`);
    }
    for (let i = 1; i < seqs.length; i++) {
      if (!seqs[i].from.equals(seqs[i - 1].to)) throw new Error(`the start value ${seqs[i].from} of segment #${i} must be equal to the end value of the previous one, but it is ${seqs[i - 1].to}`);
    }
    let lcd = 1n;
    for (const s of seqs) lcd = lcm(lcd, s.length.den);
    this.lcd = Number(lcd);
    // each segment owns `share` of every `lcd` indices (its length over the common denominator)
    const shares = seqs.map((s) => Number(s.length.num * (lcd / s.length.den)));
    // biggest share first (stable): the biggest segments have the least room to avoid neighbours
    const order = shares.map((share, index) => ({ share, index })).sort((a, b) => b.share - a.share);
    const owned: number[][] = seqs.map(() => []);
    const taken = order.map(() => 0);
    // index i goes to the first segment (in `order`) that is "due" one: i >= taken*lcd/share,
    // which spaces every segment's indices as evenly as its share allows
    for (let i = 0; i < this.lcd; i++) {
      for (let k = 0; k < order.length; k++) {
        const num = taken[k] * this.lcd;
        const den = order[k].share;
        const q = Math.floor(num / den);
        if (i > q || (i === q && num % den === 0)) {
          taken[k]++;
          owned[order[k].index].push(i);
          break;
        }
      }
    }
    this.starts = owned.map((o) => o[0]);
    // gaps between consecutive owned indices, the last one wrapping into the next lcd cycle
    this.gaps = owned.map((o) => o.map((v, j) => (j + 1 < o.length ? o[j + 1] - v : o[0] + this.lcd - v)));
  }

  /** k6's GetStripedOffsets: the first owned index, the gaps between owned ones, the cycle length. */
  stripedOffsets(segmentIndex: number): { start: number; offsets: number[]; lcd: number } {
    return { start: this.starts[segmentIndex], offsets: this.gaps[segmentIndex], lcd: this.lcd };
  }

  /** How many of the indices 0..value-1 the segment owns (k6's ScaleInt64): the segments' values add up to `value`. */
  scale(segmentIndex: number, value: number): number {
    const offsets = this.gaps[segmentIndex];
    let result = Math.floor(value / this.lcd) * offsets.length;
    const rest = value % this.lcd;
    for (let i = this.starts[segmentIndex], g = 0; i < rest; i += offsets[g++]) result++;
    return result;
  }

  /** Index of `segment` in the sequence; throws k6's message when it is not one of them. */
  position(segment: ExecutionSegment | undefined): number {
    const seg = segment ?? ExecutionSegment.FULL;
    const i = this.segments.findIndex((s) => s.equals(seg));
    if (i === -1) throw new Error(`couldn't find segment ${seg} in sequence ${sequenceToString(this.segments)}`);
    return i;
  }
}

/**
 * One segment of a striped sequence (k6's ExecutionTuple): what one instance uses to scale VU
 * counts and to pick its share of iterations and VU ids.
 */
export class ExecutionTuple {
  private constructor(
    readonly sequence: StripedSequence,
    readonly segmentIndex: number,
  ) {}

  /** The whole test, unsegmented. */
  static readonly FULL = ExecutionTuple.create();

  /** k6's NewExecutionTuple: the segment's position in the filled sequence; throws when absent. */
  static create(segment?: ExecutionSegment, sequence: readonly ExecutionSegment[] = []): ExecutionTuple {
    const striped = new StripedSequence(fillSequence(sequence, segment));
    return new ExecutionTuple(striped, striped.position(segment));
  }

  /** Parses the two k6 flags (`--execution-segment`, `--execution-segment-sequence`). */
  static parse(segment: string | undefined, sequence: string | undefined): ExecutionTuple {
    const seg = segment ? ExecutionSegment.parse(segment) : undefined;
    return ExecutionTuple.create(seg, parseExecutionSegmentSequence(sequence ?? ''));
  }

  get segment(): ExecutionSegment {
    return this.sequence.segments[this.segmentIndex];
  }

  get isFull(): boolean {
    return this.sequence.segments.length === 1;
  }

  /** This segment's share of `value` (VUs, iterations); the shares of all segments add up to it. */
  scale(value: number): number {
    return this.isFull ? value : this.sequence.scale(this.segmentIndex, value);
  }

  stripedOffsets(): { start: number; offsets: number[]; lcd: number } {
    return this.sequence.stripedOffsets(this.segmentIndex);
  }

  /**
   * k6's GetNewExecutionTupleFromValue: re-segments the sequence by how `value` splits between the
   * segments (each new segment is share/value long, empty ones dropped). Shared-iterations and the
   * arrival-rate executors stripe their iterations this way so they follow their VUs. Undefined when
   * this segment gets none of `value`.
   */
  retupleFromValue(value: number): ExecutionTuple | undefined {
    if (value < 1) return undefined;
    if (value % this.sequence.lcd === 0) return this;
    const segs: ExecutionSegment[] = [];
    let prev = 0;
    let newIndex = -1;
    const v = BigInt(value);
    this.sequence.segments.forEach((_, i) => {
      const share = this.sequence.scale(i, value);
      if (share === 0) return;
      if (i === this.segmentIndex) newIndex = segs.length;
      segs.push(ExecutionSegment.unchecked(new Rational(BigInt(prev), v), new Rational(BigInt(prev + share), v)));
      prev += share;
    });
    if (newIndex === -1) return undefined;
    return new ExecutionTuple(new StripedSequence(segs), newIndex);
  }

  toString(): string {
    return `${this.segment} in ${sequenceToString(this.sequence.segments)}`;
  }
}

/**
 * k6's SegmentedIndex: walks the indices one segment owns. `next()` returns the 1-based position
 * within the segment (`scaled`, e.g. `__VU`) and the 1-based index in the whole test (`unscaled`,
 * e.g. `exec.vu.idInTest`).
 */
export class SegmentedIndex {
  private scaled = 0;
  private unscaled = 0;
  private readonly start: number;
  private readonly offsets: number[];
  constructor(tuple: ExecutionTuple) {
    ({ start: this.start, offsets: this.offsets } = tuple.stripedOffsets());
  }

  next(): { scaled: number; unscaled: number } {
    this.unscaled += this.scaled === 0 ? this.start + 1 : this.offsets[(this.scaled - 1) % this.offsets.length];
    this.scaled++;
    return { scaled: this.scaled, unscaled: this.unscaled };
  }
}

/**
 * The 0-based test-wide indices one segment owns, in order (the arrival-rate executors' iteration
 * numbers): start, start + offsets[0], ... forever.
 */
export function* stripedIndices(tuple: ExecutionTuple): Generator<number> {
  const { start, offsets } = tuple.stripedOffsets();
  for (let i = start, g = 0; ; i += offsets[g++ % offsets.length]) yield i;
}

/** k6-operator's split of one test into N equal segments: `0,1/N,2/N,...,1` and the i-th `a:b`. */
export function equalSegments(n: number): { sequence: string; segments: string[] } {
  const points = Array.from({ length: n + 1 }, (_, i) => new Rational(BigInt(i), BigInt(n)).toString());
  return { sequence: points.join(','), segments: points.slice(0, -1).map((p, i) => `${p}:${points[i + 1]}`) };
}

function lcm(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return (a / x) * b;
}
