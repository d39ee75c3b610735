import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GateTolerances } from '../config';
import { InvalidConfigError } from '../errors';
import { compareRuns, type GateResult } from './compare-runs';
import { loadBaseline } from './baseline-store';
import { renderCompareHtml } from './render-compare';
import { renderGateJunit, renderGateMarkdown, renderGateTable } from './render-gate';
import { buildRunProfile, poolRunProfiles, type RunProfile } from './run-profile';
import { SeriesTolerances, unmatchedGateMessage } from './series-tolerances';

export const GATE_FILES = { markdown: 'gate.md', junit: 'gate.junit.xml', json: 'gate.json', html: 'compare.html' } as const;

export interface RunGateOptions {
  /** The run gated; its directory gets the outputs. */
  runDir: string;
  /** More runs of the same configuration, pooled with it into one candidate (repeated runs). */
  moreRunDirs?: string[];
  /** `reports/baselines/<name>/` */
  baselineDir: string;
  baselineName: string;
  tolerances: GateTolerances;
  /** Where the table goes (stderr). */
  write: (text: string) => void;
  /** run.json fields compare.html shows instead of the file's, given the gate's result (the run session's final exit code). */
  info?: (result: GateResult) => Record<string, unknown>;
}

/**
 * The baseline's runs, once the gate's own entries are known to select something in it: a
 * `gate.series` key or `gate.latencyMetrics` name that matches no series the gate compares
 * (a typo) is an InvalidConfigError (104) naming it, unless the entry is optional. `harness run
 * --baseline` calls it before anything starts.
 */
export async function loadGateBaseline(dir: string, name: string, tolerances: GateTolerances): Promise<RunProfile[]> {
  const baseline = await loadBaseline(dir, name);
  const unmatched = new SeriesTolerances(tolerances).unmatched(baseline);
  if (unmatched.length) {
    throw new InvalidConfigError(`${unmatched.length} gate entr${unmatched.length === 1 ? 'y' : 'ies'} of harness.config matched nothing in baseline "${name}"`, unmatchedGateMessage(unmatched, name).split('\n'), {
      hint: 'fix the key, or mark the entry optional (docs/gates.md, "No silent passes")',
    });
  }
  return baseline;
}

/** Compares a run directory with a baseline; writes gate.md, gate.junit.xml, gate.json and compare.html into the run directory. */
export async function runGate(o: RunGateOptions): Promise<GateResult> {
  const baseline = await loadGateBaseline(o.baselineDir, o.baselineName, o.tolerances);
  const runs = [await buildRunProfile(o.runDir)];
  for (const d of o.moreRunDirs ?? []) runs.push(await buildRunProfile(d));
  const candidate = poolRunProfiles(runs);
  const result = compareRuns(candidate, baseline, o.tolerances);
  o.write(`gate${runs.length > 1 ? ` of ${runs.length} runs pooled` : ''} against baseline "${o.baselineName}" (${baseline.length} run(s))\n${renderGateTable(result)}`);
  await writeFile(join(o.runDir, GATE_FILES.markdown), renderGateMarkdown(result));
  await writeFile(join(o.runDir, GATE_FILES.junit), renderGateJunit(result));
  await writeFile(join(o.runDir, GATE_FILES.json), `${JSON.stringify({ baseline: o.baselineName, tolerances: o.tolerances, ...result }, null, 2)}\n`);
  await writeFile(join(o.runDir, GATE_FILES.html), await renderCompareHtml(o.runDir, { result, baseline, baselineName: o.baselineName, failed: gateFailed(result), info: o.info?.(result) }));
  return result;
}

/** Whether the gate fails the run: a regression, or a baseline series the run no longer has. */
export function gateFailed(r: GateResult): boolean {
  return r.regressed + r.missing > 0;
}
