import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

/** A process started for a run, as `harness reap` needs it to find and kill it safely. */
export interface RecordedProcess {
  pid: number;
  component: string;
  command: string;
  /** Started in its own process group (kill `-pid` reaches its children too). */
  group: boolean;
  /** `/proc/<pid>/stat` start time, so reap never kills an unrelated process that reused the pid. */
  startTicks?: string;
}

export interface PidFileContent {
  runId: string;
  /** The harness process that owns the run; reap leaves runs alone while it is alive. */
  harnessPid: number;
  harnessStartTicks?: string;
  processes: RecordedProcess[];
  /** Loopback ports the run listens on. */
  ports: Record<string, number>;
  /** Toxiproxy servers that hold proxies of this run (proxy names start with the run id). */
  toxiproxy: Array<{ apiUrl: string; proxies: string[] }>;
  /** Docker objects, by id, for the docker runtime (containers/networks also carry `harness.run-id`). */
  containers?: string[];
  networks?: string[];
}

/**
 * `reports/runs/<id>/pids.json`, rewritten on every change (writes serialised) so a crash at
 * any point leaves an accurate list behind for `harness reap` and the watchdog.
 */
export class PidFile {
  #content: PidFileContent;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    runId: string,
    harnessPid = process.pid,
  ) {
    this.#content = { runId, harnessPid, harnessStartTicks: processStartTicks(harnessPid), processes: [], ports: {}, toxiproxy: [] };
  }

  get content(): Readonly<PidFileContent> {
    return this.#content;
  }

  addProcess(p: Omit<RecordedProcess, 'startTicks'>): Promise<void> {
    return this.#update((c) => c.processes.push({ ...p, startTicks: processStartTicks(p.pid) }));
  }
  removeProcess(pid: number): Promise<void> {
    return this.#update((c) => void (c.processes = c.processes.filter((p) => p.pid !== pid)));
  }
  setPort(name: string, port: number): Promise<void> {
    return this.#update((c) => void (c.ports[name] = port));
  }
  addProxies(apiUrl: string, proxies: string[]): Promise<void> {
    return this.#update((c) => {
      const entry = c.toxiproxy.find((t) => t.apiUrl === apiUrl);
      if (entry) entry.proxies.push(...proxies.filter((p) => !entry.proxies.includes(p)));
      else c.toxiproxy.push({ apiUrl, proxies: [...proxies] });
    });
  }
  addDocker(kind: 'containers' | 'networks', id: string): Promise<void> {
    return this.#update((c) => void (c[kind] ??= []).push(id));
  }
  removeDocker(kind: 'containers' | 'networks', id: string): Promise<void> {
    return this.#update((c) => void (c[kind] = (c[kind] ?? []).filter((x) => x !== id)));
  }
  flush(): Promise<void> {
    return this.#update(() => {});
  }

  #update(mutate: (c: PidFileContent) => void): Promise<void> {
    mutate(this.#content);
    const snapshot = `${JSON.stringify(this.#content, null, 2)}\n`;
    this.#chain = this.#chain.then(() => writeFile(this.file, snapshot)).catch(() => {});
    return this.#chain;
  }

  static async read(file: string): Promise<PidFileContent | undefined> {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as PidFileContent;
    } catch {
      return undefined;
    }
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks); undefined off Linux or when gone. */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSyncSafe(`/proc/${pid}/stat`);
    if (!stat) return undefined;
    const afterComm = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return afterComm[19];
  } catch {
    return undefined;
  }
}

function readFileSyncSafe(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether `pid` is alive and (when known) still the process we started. */
export function isSameProcessAlive(pid: number, startTicks?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!startTicks) return true;
  const now = processStartTicks(pid);
  return now === undefined || now === startTicks;
}

/** A zombie still answers kill(pid, 0); treat it as gone. */
export function isZombie(pid: number): boolean {
  const stat = readFileSyncSafe(`/proc/${pid}/stat`);
  if (!stat) return false;
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}
