import type { ChaosPhases } from './chaos-phases';
import { encodeTags } from './line-protocol';
import type { StreamSample } from './sample-source';

/** What every point carries besides the sample's own tags. */
export interface RunTags {
  runId: string;
  /** Used when a sample has no `testid` tag (k6 users set it with `--tag testid=...`). */
  testId: string;
  /** Tags dropped from every point; `url` only when a `name` tag exists (k6 sets one per request). */
  dropTags: ReadonlySet<string>;
  /** Chaos runs: `chaos_phase` and `fault` from the experiment's journal. */
  phases?: ChaosPhases;
}

/**
 * A sample's tags as written: its own, minus the dropped high-cardinality ones, plus `run_id`,
 * `scenario`, `testid` and, during chaos runs, `chaos_phase` and `fault`. A stream that was
 * phase-tagged after the fact (`chaos-samples.jsonl`, tag `phase`) keeps its phase.
 */
export function pointTags(s: StreamSample, run: RunTags, keepAsFields: ReadonlySet<string> = EMPTY): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.tags)) {
    if (keepAsFields.has(k)) continue;
    if (run.dropTags.has(k) && (k !== 'url' || s.tags.name !== undefined)) continue;
    tags[k] = v;
  }
  tags.run_id = run.runId;
  tags.scenario = s.tags.scenario ?? 'default';
  tags.testid = s.tags.testid ?? run.testId;
  const phase = s.tags.phase !== undefined ? splitPhase(s.tags.phase) : run.phases?.at(s.time);
  if (phase) {
    delete tags.phase;
    tags.chaos_phase = phase.phase;
    if (phase.fault) tags.fault = phase.fault;
  }
  return tags;
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * `pointTags` encoded (`encodeTags`), cached by the sample's tag set and its chaos phase: a run
 * has few distinct tag sets, so the hot path is a lookup by the tags object (the stream reader
 * shares one frozen object per distinct tag set) instead of filtering, sorting and escaping every
 * tag of every sample. Tag objects seen for the first time (another source) are looked up by
 * their content, then by identity.
 */
export class SeriesTags {
  /** By tags object, then by phase (`''` outside chaos runs). */
  #byObject = new WeakMap<Readonly<Record<string, string>>, Map<string, string>>();
  #byContent = new Map<string, string>();
  constructor(
    private readonly run: RunTags,
    private readonly keepAsFields: ReadonlySet<string> = EMPTY,
  ) {}

  #last: { tags: unknown; phase: unknown; enc: string } = { tags: undefined, phase: undefined, enc: '' };

  encoded(s: StreamSample): string {
    const phase = s.tags.phase === undefined ? this.run.phases?.at(s.time) : undefined;
    const last = this.#last;
    if (s.tags === last.tags && phase === last.phase && Object.isFrozen(s.tags)) return last.enc; // a request's samples share their tags
    last.enc = this.#encode(s, phase);
    last.tags = s.tags;
    last.phase = phase;
    return last.enc;
  }

  #encode(s: StreamSample, phase: { phase: string; fault?: string } | undefined): string {
    const phaseKey = phase ? `${phase.phase}\u0002${phase.fault ?? ''}\u0003` : '';
    // frozen tag sets never change; another source's objects might, so only their content is trusted
    const frozen = Object.isFrozen(s.tags);
    let byPhase: Map<string, string> | undefined;
    if (frozen) {
      byPhase = this.#byObject.get(s.tags);
      const known = byPhase?.get(phaseKey);
      if (known !== undefined) return known;
    }
    let key = phaseKey;
    for (const k in s.tags) key += `${k}\u0001${s.tags[k]}\u0002`;
    let enc = this.#byContent.get(key);
    if (enc === undefined) {
      enc = encodeTags(pointTags(s, this.run, this.keepAsFields));
      if (this.#byContent.size >= 100_000) this.#byContent.clear(); // a run with unbounded tag values
      this.#byContent.set(key, enc);
    }
    if (frozen) {
      if (byPhase === undefined) this.#byObject.set(s.tags, (byPhase = new Map()));
      byPhase.set(phaseKey, enc);
    }
    return enc;
  }
}

/** chaos's phase names: `baseline`, `recovery`, or the fault's phase (`fault:<name>` or a name). */
function splitPhase(p: string): { phase: string; fault?: string } {
  if (p === 'baseline' || p === 'recovery') return { phase: p };
  return { phase: 'fault', fault: p.startsWith('fault:') ? p.slice(6) : p };
}
