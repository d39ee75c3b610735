/** Every line `harness run` prints, in one place. */
export const messages = {
  starting: (runId: string, scenario: string, runDir: string) => `harness run ${scenario}: run ${runId}\n  run directory: ${runDir}`,
  seed: (seed: number) => `  seed: ${seed} (replay with --seed ${seed})`,
  engine: (name: string) => `  engine: ${name}`,
  runtime: (name: string) => `  runtime: ${name}`,
  target: (url: string) => `  target: ${url}`,
  keptUp: (url: string, runId: string) => `stack left running for exploration: ${url} (run ${runId}); stop it with \`harness down\``,
  verdict: (code: number, runDir: string) => `${verdictText(code)}  (exit ${code})  ${runDir}`,
  tearingDown: 'tearing down ...',
};

export function verdictText(code: number): string {
  switch (code) {
    case 0:
      return 'PASSED: all thresholds met';
    case 99:
      return 'FAILED: thresholds crossed';
    case 104:
      return 'INVALID: configuration or options rejected';
    case 105:
      return 'INTERRUPTED: stopped by signal, torn down';
    case 107:
      return 'ERROR: script exception';
    case 108:
      return 'ABORTED: test.abort() called by the script';
    case 110:
      return 'ERROR: infrastructure failed';
    case 112:
      return 'FAILED: performance regression against the baseline (gate.md, compare.html)';
    default:
      return 'ERROR: the run failed';
  }
}
