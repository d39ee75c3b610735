/**
 * A benchmark suite: runs bounded loads against loopback only and returns a markdown section
 * for docs/benchmarks.md. Figures that are compared (e.g. engine vs wrk) must be measured in
 * the same run, as ratios: these machines are noisy (±15%).
 */
export interface BenchSuite {
  /** kebab-case, selectable with `npm run bench -- <name>` */
  name: string;
  title: string;
  run(log: (line: string) => void): Promise<BenchResult>;
}

export interface BenchResult {
  /** Markdown body (tables, notes); the title becomes its `##` heading. */
  markdown: string;
  /** Whether the suite's stated goals were met (printed, never fails `npm run bench`). */
  goalsMet: boolean;
}

/** One stated goal of a suite and what the run measured against it. */
export interface BenchGoal {
  name: string;
  ok: boolean;
  value: string;
}

/** The goals as the markdown table every suite ends with, and whether all were met. */
export function goalsSection(goals: readonly BenchGoal[]): { lines: string[]; met: boolean } {
  return {
    lines: ['| goal | result | met |', '|---|---|---|', ...goals.map((g) => `| ${g.name} | ${g.value} | ${g.ok ? 'yes' : '**no**'} |`)],
    met: goals.every((g) => g.ok),
  };
}
