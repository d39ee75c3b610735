import { SeededRng } from '../random';
import { nonNegativeDurationMs as parseDuration } from '../../vocabulary';
import { isNetworkFault, type ExperimentDefinition, type MethodStep } from './types';

export interface PlannedFault {
  index: number;
  name: string;
  /** `fault:<name>`: the phase tag of samples while it is active. */
  phase: string;
  startMs: number;
  /** For instant actions (restart) equal to startMs. */
  endMs: number;
  step: MethodStep;
}

export interface Schedule {
  seed: number;
  /** Timeline scale (`--duration` / definition duration). */
  scale: number;
  /** Length of the whole timeline (load included): `scaledMs`, extended by the recovery floor. */
  totalMs: number;
  /** The definition's duration times `scale`. */
  scaledMs: number;
  /**
   * The recovery phase after the last fault lasts at least this long, whatever the scale:
   * `recoveryWithin` (unscaled: the target recovers in real time) + a margin of
   * min(2 s, recoveryWithin) to see the error rate stay within the SLO. 0 without `recoveryWithin`.
   */
  recoveryFloorMs: number;
  faults: PlannedFault[];
}

/** See `Schedule.recoveryFloorMs`. */
export function recoveryFloorMs(def: ExperimentDefinition): number {
  if (!def.verify.recoveryWithin) return 0;
  const budget = parseDuration(def.verify.recoveryWithin) ?? 0;
  return budget + Math.min(2000, budget);
}

export function defaultFaultName(step: MethodStep): string {
  if (isNetworkFault(step)) {
    const what = 'partition' in step.toxic ? 'partition' : step.toxic.type.replace(/_/g, '-');
    return `${step.link.replace('->', '-')}-${what}`;
  }
  return `${step.action}-${step.component}`;
}

/**
 * Faults whose planned windows (before jitter) overlap are one episode: they are meant to act
 * together (client-bandwidth's up and down). Between episodes the target must get its recovery
 * window. Returns each fault's episode number, in the order of `faults`.
 */
function episodes(nominal: ReadonlyArray<{ startMs: number; endMs: number }>): number[] {
  const order = nominal.map((_, i) => i).sort((a, b) => nominal[a].startMs - nominal[b].startMs || a - b);
  const out = new Array<number>(nominal.length);
  let episode = -1;
  let start = -Infinity;
  let end = -Infinity;
  for (const i of order) {
    // Two instant actions at the same moment are one episode too.
    if (nominal[i].startMs >= end && nominal[i].startMs > start) {
      episode++;
      start = nominal[i].startMs;
    }
    end = Math.max(end, nominal[i].endMs);
    out[i] = episode;
  }
  return out;
}

/**
 * The experiment's timeline for a seed: offsets scaled to the requested duration, `jitter`
 * drawn from the seeded RNG (so the same seed always yields the same schedule), sorted by start.
 *
 * Every fault gets its recovery window, not only the last: an episode (see `episodes`) starts at
 * least the recovery floor after the previous one ended; when jitter or `--duration` would put
 * it sooner, it and everything after it move later by the difference. Without that, a
 * target that needs its whole budget to recover would be hit again before it could, and the
 * verdict would measure the schedule, not the target. The end is extended so the recovery phase
 * after the last fault is never shorter than the floor either.
 */
export function buildSchedule(def: ExperimentDefinition, opts: { seed: number; durationMs?: number }): Schedule {
  const base = parseDuration(def.duration)!;
  const totalMs = opts.durationMs ?? base;
  const scale = totalMs / base;
  const rng = new SeededRng(opts.seed).fork('schedule');
  const used = new Map<string, number>();
  const nominal: Array<{ startMs: number; endMs: number }> = [];
  const faults = def.method.map((step, index): PlannedFault => {
    const jitter = step.jitter ? parseDuration(step.jitter)! * scale : 0;
    const offset = jitter > 0 ? rng.int(-Math.round(jitter), Math.round(jitter)) : 0;
    const at = parseDuration(step.at)! * scale;
    const startMs = Math.max(0, Math.round(at + offset));
    const len = 'duration' in step && step.duration ? parseDuration(step.duration)! * scale : 0;
    nominal.push({ startMs: at, endMs: at + len });
    let name = step.name ?? defaultFaultName(step);
    const n = (used.get(name) ?? 0) + 1;
    used.set(name, n);
    if (n > 1) name = `${name}-${n}`;
    return { index, name, phase: `fault:${name}`, startMs, endMs: Math.round(startMs + len), step };
  });
  const floor = recoveryFloorMs(def);
  const episodeOf = episodes(nominal);
  faults.sort((a, b) => a.startMs - b.startMs || a.index - b.index);
  // Episode by episode, in planned order: start no sooner than the previous episode's end + floor.
  const count = Math.max(-1, ...episodeOf) + 1;
  let shift = 0;
  let previousEnd = -Infinity;
  for (let e = 0; e < count; e++) {
    const members = faults.filter((f) => episodeOf[f.index] === e);
    for (const f of members) {
      f.startMs += shift;
      f.endMs += shift;
    }
    const start = Math.min(...members.map((f) => f.startMs));
    const delay = previousEnd + floor - start;
    if (delay > 0) {
      shift += delay;
      for (const f of members) {
        f.startMs += delay;
        f.endMs += delay;
      }
    }
    previousEnd = Math.max(previousEnd, ...members.map((f) => f.endMs));
  }
  faults.sort((a, b) => a.startMs - b.startMs || a.index - b.index);
  const lastEnd = faults.reduce((m, f) => Math.max(m, f.endMs), 0);
  return { seed: opts.seed, scale, totalMs: Math.max(totalMs, lastEnd + floor), scaledMs: totalMs, recoveryFloorMs: floor, faults };
}

/**
 * Problems of a definition whose timeline, at scale 1 and with the worst jitter, would start an
 * episode less than the recovery floor after the previous one ended (buildSchedule would have to
 * move it: say so to the author instead of silently changing the plan). Empty = fine.
 */
export function recoveryWindowProblems(def: ExperimentDefinition): string[] {
  const d = (v: string | undefined) => (v ? parseDuration(v) ?? 0 : 0);
  const steps = def.method.map((step, i) => {
    const at = d(step.at);
    const len = 'duration' in step ? d(step.duration) : 0;
    return { i, at, end: at + len, jitter: d(step.jitter) };
  });
  const episodeOf = episodes(steps.map((s) => ({ startMs: s.at, endMs: s.end })));
  const floor = recoveryFloorMs(def);
  const problems: string[] = [];
  let previous: { latestEnd: number; last: number } | undefined;
  for (let e = 0; e <= Math.max(-1, ...episodeOf); e++) {
    const members = steps.filter((s) => episodeOf[s.i] === e);
    const earliest = Math.min(...members.map((s) => s.at - s.jitter));
    const first = members.reduce((a, b) => (b.at - b.jitter < a.at - a.jitter ? b : a));
    if (previous && earliest - previous.latestEnd < floor) {
      problems.push(
        `method[${first.i}]: may start ${earliest - previous.latestEnd} ms after method[${previous.last}] ends (with jitter), ` +
          `less than its recovery window of ${floor} ms (verify.recoveryWithin + min(2 s, recoveryWithin)); space the steps out or lower recoveryWithin`,
      );
    }
    const last = members.reduce((a, b) => (b.end + b.jitter > a.end + a.jitter ? b : a));
    previous = { latestEnd: Math.max(previous?.latestEnd ?? -Infinity, last.end + last.jitter), last: last.i };
  }
  return problems;
}

/** Actual fault windows as they happened (ms since the experiment started). */
export interface FaultWindow {
  name: string;
  phase: string;
  startMs: number;
  endMs?: number;
}

/**
 * The phase at time `t`: the most recently started active fault, else `baseline` before the
 * first fault, else `recovery`. Samples are tagged by this after the fact (from the journal's
 * actual injection times), so any engine's output can be split per phase.
 */
export function phaseAt(t: number, windows: readonly FaultWindow[]): string {
  let active: FaultWindow | undefined;
  for (const w of windows) if (w.startMs <= t && (w.endMs === undefined || t < w.endMs) && (!active || w.startMs >= active.startMs)) active = w;
  if (active) return active.phase;
  const first = windows.reduce((m, w) => Math.min(m, w.startMs), Infinity);
  return t < first ? 'baseline' : 'recovery';
}
