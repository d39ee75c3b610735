import { AsyncDisposableStack } from '../lifecycle';
import { PidFile } from '../run-record';
import { RunDirectory, runsRoot } from './run-directory';
import { newRunId } from '../run-record';
import { startWatchdog, type Watchdog } from './watchdog';

export interface RunScopeOptions {
  cwd: string;
  reportsDir?: string;
  /** Used in the run id (`<time>-<label>-<hex>`), usually the scenario name. */
  label: string;
  runId?: string;
  /** Aborted on the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  log: (line: string) => void;
  /** Spawn the watchdog that kills recorded processes if the harness dies (default true). */
  watchdog?: boolean;
}

/**
 * Everything scoped to one run: its id, directory, pids.json and the teardown stack.
 *
 * Whoever starts something pushes its teardown here (`scope.defer(() => x.stop(), 'x')` or
 * `scope.use(disposable)`); `close()` disposes in reverse order exactly once, on success,
 * failure, threshold abort or signal, keeps going past failures and logs them (it never throws,
 * so it cannot mask the run's own error). Processes go into `pidFile` for reap and the watchdog.
 */
export class RunScope implements AsyncDisposable {
  readonly #stack = new AsyncDisposableStack();
  #watchdog: Watchdog | undefined;
  #closing: Promise<void> | undefined;

  private constructor(
    readonly runId: string,
    readonly dir: RunDirectory,
    readonly pidFile: PidFile,
    readonly signal: AbortSignal,
    private readonly log: (line: string) => void,
  ) {}

  static async create(o: RunScopeOptions): Promise<RunScope> {
    const runId = o.runId ?? newRunId(o.label);
    const dir = await new RunDirectory(runsRoot(o.cwd, o.reportsDir), runId).create();
    const pidFile = new PidFile(dir.pids, runId);
    await pidFile.flush();
    const scope = new RunScope(runId, dir, pidFile, o.signal, o.log);
    if (o.watchdog !== false) scope.#watchdog = startWatchdog(dir.pids);
    return scope;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  defer(onDispose: () => unknown, label?: string): void {
    this.#stack.defer(onDispose, label);
  }

  use<T extends AsyncDisposable | Disposable>(resource: T, label?: string): T {
    return this.#stack.use(resource, label);
  }

  /** Tears everything down in reverse order; idempotent; never throws (failures are logged). */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#stack.disposeAsync();
      } catch (e) {
        const errors = e instanceof AggregateError ? e.errors : [e];
        for (const err of errors) this.log(`teardown: ${(err as { label?: string }).label ?? 'cleanup'} failed: ${(err as Error).message}`);
      } finally {
        await this.pidFile.flush();
        this.#watchdog?.release();
      }
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
