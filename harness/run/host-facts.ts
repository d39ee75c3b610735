import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** run.json's `machine` and `gitCommit`: where and from which commit a run ran (shown in reports). */
export function hostFacts(cwd: string): { machine: string; gitCommit?: string } {
  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model?.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  let gitCommit: string | undefined;
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim() || undefined;
  } catch {
    gitCommit = undefined; // not a git checkout, or no git: the report says nothing
  }
  return { machine, gitCommit };
}
