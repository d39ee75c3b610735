/**
 * `npm run target`: the gateway and the worker in the foreground, as two child processes,
 * configured by environment (docs/target.md). Their JSON log lines pass through to stdout.
 * SIGINT/SIGTERM stop the gateway first (no new samples), then the worker (after its batch).
 * If either exits on its own, the other is stopped and the exit code passed on.
 */
import { ExitCode, exitCodeOf, formatError } from './shared/errors';
import { loadGatewayConfig } from './gateway/config';
import { launchTarget, type LaunchedTarget } from './launcher';
import { loadWorkerConfig } from './worker/config';

async function main(): Promise<number> {
  // Validate both up front so every problem is reported before anything starts.
  const problems: string[] = [];
  for (const load of [loadGatewayConfig, loadWorkerConfig]) {
    try {
      load(process.env);
    } catch (e) {
      problems.push(formatError(e));
    }
  }
  if (problems.length) {
    process.stderr.write(problems.join('\n') + '\n');
    return ExitCode.InvalidConfig;
  }
  const pass = (line: string, stream: 'stdout' | 'stderr') => (stream === 'stdout' ? process.stdout : process.stderr).write(line + '\n');
  let stopping = false;
  const started: LaunchedTarget[] = [];
  const stopAll = async () => {
    stopping = true;
    for (const p of started.slice().reverse()) await p.stop();
  };
  process.once('SIGINT', () => void stopAll());
  process.once('SIGTERM', () => void stopAll());
  try {
    started.push(await launchTarget('worker', { onLine: pass }));
    started.push(await launchTarget('gateway', { onLine: pass }));
  } catch (e) {
    await stopAll();
    throw e;
  }
  const [first] = await Promise.race(started.map((p) => p.exited.then((code) => [p, code] as const)));
  if (!stopping) {
    process.stderr.write(`${first.component} exited unexpectedly; stopping the rest\n`);
    await stopAll();
    return 1;
  }
  const codes = await Promise.all(started.map((p) => p.exited));
  return codes.every((c) => c === 0) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(formatError(e) + '\n');
    process.exit(exitCodeOf(e));
  },
);
