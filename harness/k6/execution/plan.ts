import type { Executor } from '../executors/types';

export interface ExecutionPlan {
  /** Executors sorted like k6 (startTime, then name). */
  executors: Executor[];
  /** VUs initialised before the test: the peak of overlapping scenarios' planned VUs. */
  plannedVUs: number;
  /** Peak of planned + unplanned (header "max VUs"). */
  maxVUs: number;
  /** Longest startTime + duration + graceful stop (header "max duration"). */
  maxDuration: number;
}

/**
 * k6's execution requirements: scenarios that never overlap in time share VUs, so the VUs to
 * initialise are the peak of the sum over the scenarios active at any instant (each holds its
 * VUs from startTime to startTime + maxDuration, graceful stop included).
 */
export function planExecution(executors: Executor[]): ExecutionPlan {
  const sorted = [...executors].sort((a, b) => a.config.startTime - b.config.startTime || (a.config.name < b.config.name ? -1 : a.config.name > b.config.name ? 1 : 0));
  const events: { t: number; planned: number; all: number }[] = [];
  let maxDuration = 0;
  for (const e of sorted) {
    const r = e.requirements();
    const start = e.config.startTime;
    const end = start + r.maxDuration;
    events.push({ t: start, planned: r.plannedVUs, all: r.plannedVUs + r.unplannedVUs });
    events.push({ t: end, planned: -r.plannedVUs, all: -(r.plannedVUs + r.unplannedVUs) });
    maxDuration = Math.max(maxDuration, end);
  }
  // at equal times, ends free VUs before starts take them
  events.sort((a, b) => a.t - b.t || a.planned - b.planned);
  let planned = 0;
  let all = 0;
  let plannedVUs = 0;
  let maxVUs = 0;
  for (const ev of events) {
    planned += ev.planned;
    all += ev.all;
    plannedVUs = Math.max(plannedVUs, planned);
    maxVUs = Math.max(maxVUs, all);
  }
  return { executors: sorted, plannedVUs, maxVUs, maxDuration };
}
