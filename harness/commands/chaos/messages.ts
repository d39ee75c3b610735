import type { ExperimentResult } from '../../../chaos/experiment';

/** Every line `harness chaos` prints, in one place. */
export const messages = {
  seed: (seed: number) => `chaos: seed ${seed} (replay with --seed ${seed})`,
  engine: (why: string) => `  background load engine: ${why}`,
  starting: (experiment: string, runId: string, runDir: string) => `chaos ${experiment}: run ${runId}\n  run directory: ${runDir}`,
  tearingDown: '  tearing down ...',
  result: (r: ExperimentResult) => {
    const rec = r.recovery.map((x) => `${x.fault} ${x.recoveryMs === undefined ? 'never' : `${x.recoveryMs}ms`}`).join(', ');
    return `chaos: ${r.name}: ${r.verdict.toUpperCase()}${rec ? ` (recovery: ${rec})` : ''}${r.dataLoss ? ` data-loss: ${r.dataLoss.ok ? 'none' : 'FOUND'}` : ''}`;
  },
  verdict: (experiment: string, code: number, runDir: string) => `${verdictText(code)}: ${experiment}  (exit ${code})  ${runDir}`,
  summary: (passed: number, total: number, code: number) => `chaos: ${passed}/${total} experiments passed  (exit ${code})`,
};

export function verdictText(code: number): string {
  switch (code) {
    case 0:
      return 'PASSED';
    case 99:
      return 'FAILED: hypothesis or verification not met';
    case 104:
      return 'INVALID: configuration or options rejected';
    case 105:
      return 'INTERRUPTED: rolled back and torn down';
    case 107:
      return 'ERROR: the background scenario failed to compile or run';
    case 110:
      return 'ERROR: infrastructure failed';
    default:
      return 'ERROR: the experiment failed to run';
  }
}
