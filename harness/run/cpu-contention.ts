import { readdirSync, readFileSync } from 'node:fs';

/**
 * How much the machine made a run's processes wait for a CPU: from Linux's per-thread
 * `/proc/<pid>/task/<tid>/schedstat` (time on a CPU, time runnable but waiting on a run queue),
 * summed over the harness and every process it started (engine, gateway, worker, Redis, proxy).
 *
 * `waitPerCpu` = waited / ran. Two runs of the same code do the same work, so they wait alike
 * unless something else competes for the cores: the figure is the run's own witness of the
 * machine's load, taken where the latency is made (loadavg lags a minute behind and counts the
 * run itself). The gate uses it to tell a slower tail from a busier machine (docs/gates.md).
 *
 * Threads are sampled every second and their growth kept, so a process that exits before the
 * end (the engine) still counts; a thread that appears later counts from zero. Where /proc has
 * no schedstat (macOS, Windows, a kernel without CONFIG_SCHED_INFO) `stop()` returns undefined.
 */
export interface CpuContention {
  /** Seconds the run's threads spent on a CPU. */
  cpuSeconds: number;
  /** Seconds they were runnable but waited for one. */
  waitSeconds: number;
  /** waitSeconds / cpuSeconds. */
  waitPerCpu: number;
}

interface ThreadStat {
  cpu: number;
  wait: number;
}

export class CpuContentionMeter {
  readonly #root: number;
  #first = new Map<string, ThreadStat>();
  #last = new Map<string, ThreadStat>();
  #timer?: NodeJS.Timeout;
  #supported = true;

  constructor(root = process.pid) {
    this.#root = root;
  }

  start(): this {
    this.#supported = readSchedstat(`/proc/${this.#root}/schedstat`) !== undefined;
    if (!this.#supported) return this;
    this.sample(true);
    this.#timer = setInterval(() => this.sample(false), 1000);
    this.#timer.unref();
    return this;
  }

  stop(): CpuContention | undefined {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (!this.#supported) return undefined;
    this.sample(false);
    let cpu = 0;
    let wait = 0;
    for (const [tid, last] of this.#last) {
      const first = this.#first.get(tid) ?? { cpu: 0, wait: 0 };
      cpu += last.cpu - first.cpu;
      wait += last.wait - first.wait;
    }
    if (cpu <= 0) return undefined;
    return { cpuSeconds: cpu / 1e9, waitSeconds: wait / 1e9, waitPerCpu: wait / cpu };
  }

  private sample(first: boolean): void {
    for (const pid of descendants(this.#root)) {
      // a process that exited since the walk lists no threads
      for (const tid of readdirSafe(`/proc/${pid}/task`)) {
        const s = readSchedstat(`/proc/${pid}/task/${tid}/schedstat`);
        if (!s) continue;
        const key = `${pid}/${tid}`;
        if (first) this.#first.set(key, s);
        this.#last.set(key, s);
      }
    }
  }
}

function readSchedstat(path: string): ThreadStat | undefined {
  try {
    const [cpu, wait] = readFileSync(path, 'utf8').split(' ').map(Number);
    return Number.isFinite(cpu) && Number.isFinite(wait) ? { cpu: cpu!, wait: wait! } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `root` and every process below it. Linux lists each thread's children in
 * /proc/<pid>/task/<tid>/children (CONFIG_PROC_CHILDREN): reading those walks only the run's own
 * tree; without them, every process's parent is read from /proc/<pid>/stat.
 */
function descendants(root: number): number[] {
  return readdirSafe(`/proc/${root}/task/${root}`).includes('children') ? treeByChildrenFiles(root) : treeByParents(root);
}

/** Exported for the test that both walks agree. */
export function treeByChildrenFiles(root: number): number[] {
  const out: number[] = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    out.push(pid);
    for (const tid of readdirSafe(`/proc/${pid}/task`)) {
      let text: string;
      try {
        text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
      } catch {
        continue; // exited since the listing
      }
      for (const child of text.split(' ')) if (child) todo.push(Number(child));
    }
  }
  return out;
}

export function treeByParents(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSafe('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // the command name, in parentheses, may hold spaces and parentheses: fields restart after the last ')'
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
