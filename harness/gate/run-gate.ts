import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareRuns, type GateResult, type GateTolerances } from './compare-runs';
import { loadBaseline } from './baseline-store';
import { renderGateJunit, renderGateMarkdown, renderGateTable } from './render-gate';
import { buildRunProfile } from './run-profile';

export const GATE_FILES = { markdown: 'gate.md', junit: 'gate.junit.xml', json: 'gate.json' } as const;

export interface RunGateOptions {
  runDir: string;
  /** `reports/baselines/<name>/` */
  baselineDir: string;
  baselineName: string;
  tolerances: GateTolerances;
  /** Where the table goes (stderr). */
  write: (text: string) => void;
}

/** Compares a run directory with a baseline; writes gate.md, gate.junit.xml and gate.json into the run directory. */
export async function runGate(o: RunGateOptions): Promise<GateResult> {
  const baseline = await loadBaseline(o.baselineDir, o.baselineName);
  const candidate = await buildRunProfile(o.runDir);
  const result = compareRuns(candidate, baseline, o.tolerances);
  o.write(`gate against baseline "${o.baselineName}" (${baseline.length} run(s))\n${renderGateTable(result)}`);
  await writeFile(join(o.runDir, GATE_FILES.markdown), renderGateMarkdown(result));
  await writeFile(join(o.runDir, GATE_FILES.junit), renderGateJunit(result));
  await writeFile(join(o.runDir, GATE_FILES.json), `${JSON.stringify({ baseline: o.baselineName, tolerances: o.tolerances, ...result }, null, 2)}\n`);
  return result;
}

/** Whether the gate fails the run: a regression, or a baseline series the run no longer has. */
export function gateFailed(r: GateResult): boolean {
  return r.regressed + r.missing > 0;
}
