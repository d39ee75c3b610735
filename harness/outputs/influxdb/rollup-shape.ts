import { SecondRollup, type RolledSecond } from '../../../vocabulary';
import { encodeFields, escapeMeasurement, secondsToNs, type FieldValue } from './line-protocol';
import { SeriesTags, type RunTags } from './point-tags';
import type { StreamSample } from './sample-source';

/** Turns samples into line-protocol points (`raw`: one each; `rollup`: one per series and second). */
export interface PointShape {
  add(s: StreamSample, emit: (line: string) => void): void;
  /** The stream ended: everything still held. */
  flush(emit: (line: string) => void): void;
}

/**
 * The `rollup` shape (default): one point per metric, tag set and second, measurement = metric
 * name, fields `count`, `sum`, `min`, `max`, `mean` and, for trends, `p50`/`p90`/`p95`/`p99`.
 * The rollup itself is the shared one (vocabulary/rollup `SecondRollup`: seconds closed by the
 * stream's clock after `graceMs`, late samples into the oldest open second and counted in
 * `late`, HDR histograms with 3 significant digits, reused); this shape only keys series by the
 * point's encoded tags and writes each closed second as a line.
 *
 *   sample ─▶ SecondRollup[metric|encoded tags|second] ─(closed)─▶ point line
 */
export class RollupShape implements PointShape {
  readonly #rollup: SecondRollup<string>;

  constructor(run: RunTags, graceMs = 2000) {
    const tags = new SeriesTags(run);
    this.#rollup = new SecondRollup<string>({ series: (s) => tags.encoded(s), key: (t) => t, graceMs, wasmHistograms: true });
  }

  get late(): number {
    return this.#rollup.late;
  }

  /** A Metric line's type: trends get percentiles. */
  metricType(name: string, type: string): void {
    this.#rollup.metricType(name, type);
  }

  // the caller's emit, kept so the rollup gets one callback for the whole run (not a closure per sample)
  #emit: (line: string) => void = () => {};
  readonly #onRolled = (r: RolledSecond<string>) => line(r, this.#emit);

  add(s: StreamSample, emit: (line: string) => void): void {
    this.#emit = emit;
    this.#rollup.add(s, this.#onRolled);
  }

  flush(emit: (line: string) => void): void {
    this.#emit = emit;
    this.#rollup.flush(this.#onRolled);
  }
}

function line(r: RolledSecond<string>, emit: (line: string) => void): void {
  const c = r.cell;
  const fields: Record<string, FieldValue> = { count: { int: c.count }, sum: c.sum, min: c.min, max: c.max, mean: c.mean };
  if (c.hist) for (const [name, p] of PERCENTILES) fields[name] = c.percentile(p);
  const f = encodeFields(fields);
  if (f) emit(`${escapeMeasurement(r.metric)}${r.tags} ${f} ${secondsToNs(r.second)}`);
}

const PERCENTILES: ReadonlyArray<[string, number]> = [
  ['p50', 50],
  ['p90', 90],
  ['p95', 95],
  ['p99', 99],
];
