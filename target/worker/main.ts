/**
 * `node --import tsx target/worker/main.ts`: the worker, configured by environment (see
 * docs/target.md). Prints a "worker ready" JSON line; SIGTERM/SIGINT stop it gracefully.
 */
import { exitCodeOf, formatError } from '../shared/errors';
import { loadWorkerConfig } from './config';
import { startWorker } from './worker';

async function main(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const worker = await startWorker(config);
  const onSignal = (sig: NodeJS.Signals) => {
    process.stdout.write(JSON.stringify({ level: 30, component: 'worker', msg: `received ${sig}` }) + '\n');
    worker.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

main().catch((e) => {
  process.stderr.write(formatError(e) + '\n');
  process.exit(exitCodeOf(e));
});
