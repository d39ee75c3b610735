import { readFileSync } from 'node:fs';

/**
 * Labels on every container and network the docker runtime creates. `harness reap` finds
 * leftovers of crashed runs by `harness.run-id` (harness/run/reaper.ts), like testcontainers'
 * session labels.
 */
export const LABEL_RUN_ID = 'harness.run-id';
export const LABEL_COMPONENT = 'harness.component';
/** On the target image: hash of the build inputs, so a changed context triggers a rebuild. */
export const LABEL_CONTEXT_HASH = 'harness.context-hash';

/**
 * The harness process that owns the object (pid and `/proc` start time). A `harness reap` without
 * `--run-id` leaves objects whose owner still runs alone: on a shared daemon, another checkout's
 * (or another user's) reap must not remove a live run's containers.
 */
export const LABEL_OWNER_PID = 'harness.owner-pid';
export const LABEL_OWNER_START = 'harness.owner-start';

export function runLabels(runId: string, component?: string): Record<string, string> {
  const start = ownStartTicks();
  return {
    [LABEL_RUN_ID]: runId,
    ...(component ? { [LABEL_COMPONENT]: component } : {}),
    [LABEL_OWNER_PID]: String(process.pid),
    ...(start ? { [LABEL_OWNER_START]: start } : {}),
  };
}

function ownStartTicks(): string | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** `harness-<run-id>-<component>`: readable in `docker ps`, unique per run. */
export function containerName(runId: string, component: string): string {
  return `harness-${runId}-${component}`;
}
