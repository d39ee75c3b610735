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
