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
 * The experiment's timeline for a seed: offsets scaled to the requested duration, `jitter`
 * drawn from the seeded RNG (so the same seed always yields the same schedule), sorted by start;
 * the end extended so the recovery phase is never shorter than the recovery floor.
 */
export function buildSchedule(def: ExperimentDefinition, opts: { seed: number; durationMs?: number }): Schedule {
  const base = parseDuration(def.duration)!;
  const totalMs = opts.durationMs ?? base;
  const scale = totalMs / base;
  const rng = new SeededRng(opts.seed).fork('schedule');
  const used = new Map<string, number>();
  const faults = def.method.map((step, index): PlannedFault => {
    const jitter = step.jitter ? parseDuration(step.jitter)! * scale : 0;
    const offset = jitter > 0 ? rng.int(-Math.round(jitter), Math.round(jitter)) : 0;
    const startMs = Math.max(0, Math.round(parseDuration(step.at)! * scale + offset));
    const len = 'duration' in step && step.duration ? parseDuration(step.duration)! * scale : 0;
    let name = step.name ?? defaultFaultName(step);
    const n = (used.get(name) ?? 0) + 1;
    used.set(name, n);
    if (n > 1) name = `${name}-${n}`;
    return { index, name, phase: `fault:${name}`, startMs, endMs: Math.min(totalMs, Math.round(startMs + len)), step };
  });
  faults.sort((a, b) => a.startMs - b.startMs || a.index - b.index);
  const floor = recoveryFloorMs(def);
  const lastEnd = faults.reduce((m, f) => Math.max(m, f.endMs), 0);
  return { seed: opts.seed, scale, totalMs: Math.max(totalMs, lastEnd + floor), scaledMs: totalMs, recoveryFloorMs: floor, faults };
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
