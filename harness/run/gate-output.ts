import { ExitCode } from '../errors';
import type { GateTolerances } from '../config';
import { gateFailed, runGate, type GateResult } from '../gate';
import type { RunOutput } from './outputs';

export interface GateOutputOptions {
  /** The baseline's name (`main`) and its directory (`reports/baselines/main`), checked to exist before the run. */
  name: string;
  dir: string;
  tolerances: GateTolerances;
}

/**
 * `harness run --baseline <name>`: not an `--out` choice; after the run (torn down, before the
 * report) compares the run with the baseline, prints the table, writes gate.md, gate.junit.xml,
 * gate.json and compare.html, and turns a passed run into exit 112 when something regressed. A run that
 * already failed keeps its own code (the gate's files still say what moved).
 */
export function gateOutput(o: GateOutputOptions): RunOutput {
  return {
    name: `gate=${o.name}`,
    check() {},
    async afterRun({ code, info }, ctx) {
      const final = (r: GateResult) => (gateFailed(r) && code === ExitCode.Ok ? ExitCode.PerformanceRegression : code);
      // run.json is written after the hooks: compare.html is told the final code
      const result = await runGate({ runDir: ctx.runDir, baselineDir: o.dir, baselineName: o.name, tolerances: o.tolerances, write: (t) => ctx.log(t.trimEnd()), info: (r) => ({ ...info, finishedAt: new Date().toISOString(), exitCode: final(r) }) });
      return final(result) === code ? undefined : final(result);
    },
  };
}
