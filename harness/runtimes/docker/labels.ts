/**
 * Labels on every container and network the docker runtime creates. `harness reap` finds
 * leftovers of crashed runs by `harness.run-id` (harness/run/reaper.ts), like testcontainers'
 * session labels.
 */
export const LABEL_RUN_ID = 'harness.run-id';
export const LABEL_COMPONENT = 'harness.component';
/** On the target image: hash of the build inputs, so a changed context triggers a rebuild. */
export const LABEL_CONTEXT_HASH = 'harness.context-hash';

export function runLabels(runId: string, component?: string): Record<string, string> {
  return { [LABEL_RUN_ID]: runId, ...(component ? { [LABEL_COMPONENT]: component } : {}) };
}

/** `harness-<run-id>-<component>`: readable in `docker ps`, unique per run. */
export function containerName(runId: string, component: string): string {
  return `harness-${runId}-${component}`;
}
