import { readFileSync, readdirSync } from 'node:fs';

/**
 * Resident memory of a process and all its descendants (Linux /proc), e.g. the engine and the
 * esbuild service it starts. Returns 0 once the process is gone.
 */
export function treeRssKiB(pid: number): number {
  let total = 0;
  for (const p of descendants(pid)) total += rssKiB(p);
  return total;
}

function rssKiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function descendants(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${out[i]}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        for (const c of readFileSync(`/proc/${out[i]}/task/${t}/children`, 'utf8').split(/\s+/)) if (c) out.push(Number(c));
      } catch {
        // the task ended meanwhile
      }
    }
  }
  return out;
}

/**
 * Samples `treeRssKiB(pid)` every `everyMs` until stopped; `peakKiB` is the highest sample.
 * Sampling (not VmHWM) because the peak of a tree is not the sum of its members' peaks.
 */
export class PeakTreeRss {
  peakKiB = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    everyMs = 100,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.sample();
  }

  private sample(): void {
    const kib = treeRssKiB(this.pid);
    if (kib > this.peakKiB) this.peakKiB = kib;
  }

  stop(): number {
    clearInterval(this.timer);
    return this.peakKiB;
  }
}
