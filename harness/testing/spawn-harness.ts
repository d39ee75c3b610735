import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { killGroup } from '../runtimes/local';

/**
 * The `harness` bin spawned as a user runs it, for the tests of exit codes, output and teardown:
 * `node harness/bin/harness.mjs <args>` with stdin closed, stdout and stderr piped, in a process
 * group of its own (so a timeout, or a test's Ctrl-C, reaches everything it did not detach).
 *
 *   const r = await runHarness(['run', 'smoke', '--runtime', 'local'], { cwd, env: { K6_BIN: '' } });
 *   assert.equal(r.code, 0, r.stderr);
 *
 *   await using h = startHarness([...], { cwd });        // a live process: read, wait, signal
 *   await h.waitFor(/target: http/, { stream: 'stderr' });
 *   h.kill('SIGINT');
 *   assert.equal((await h.done).code, 105);
 *
 * A command that outlives `timeoutMs` gets SIGINT (to its group, as a terminal's Ctrl-C: it
 * tears down), SIGKILL `killGraceMs` later, and `done` rejects naming the command with its
 * output so far: a hung harness fails its test loudly instead of leaving mocha's bare timeout
 * and a process behind.
 */

const BIN = fileURLToPath(new URL('../bin/harness.mjs', import.meta.url));

/** What every spawned harness gets unless the test says otherwise: plain text output. */
const DEFAULT_ENV: Record<string, string> = { NO_COLOR: '1' };
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_KILL_GRACE_MS = 5_000;
/** After exit, how long to wait for the pipes to drain (a leftover grandchild may hold them open). */
const DRAIN_MS = 2_000;
/** Shown of each stream in a failure message. */
const SHOWN_CHARS = 4_000;

export interface SpawnHarnessOptions {
  /** Default: this process's working directory. */
  cwd?: string;
  /** Merged over process.env and the defaults (NO_COLOR=1); `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Hard limit on the command's life (default 60 s); see the module comment. */
  timeoutMs?: number;
  /** Between the timeout's SIGINT and SIGKILL: the harness's teardown time (default 5 s). */
  killGraceMs?: number;
}

export interface HarnessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in the order they arrived (what a terminal shows). */
  output: string;
}

type Stream = 'stdout' | 'stderr' | 'output';

export interface RunningHarness extends AsyncDisposable {
  /** The harness's pid, also its process group's id. */
  readonly pid: number;
  /** The child itself, for what this handle does not cover (closing its pipes). */
  readonly child: ChildProcess;
  /** Output so far. */
  readonly stdout: string;
  readonly stderr: string;
  readonly output: string;
  readonly exited: boolean;
  /** Resolves once it exited and its output is read; rejects when it hit the timeout. */
  readonly done: Promise<HarnessResult>;
  /**
   * The first match of `pattern` in the stream's text (default: both, interleaved), now or as it
   * arrives. Rejects, with the output so far, if the harness exits first or `timeoutMs` passes.
   */
  waitFor(pattern: RegExp, opts?: { stream?: Stream; timeoutMs?: number }): Promise<RegExpExecArray>;
  /** Signals the harness process alone (as `kill <pid>`); a no-op once it has exited. */
  kill(signal: NodeJS.Signals): void;
  /** Signals its whole process group (as a terminal's Ctrl-C); a no-op once it is empty. */
  killGroup(signal: NodeJS.Signals): void;
  /** SIGKILL to the group if it still runs, then waits for the exit (never rejects). */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Runs the harness to its exit: `{ code, signal, stdout, stderr, output }`. */
export function runHarness(args: string[], opts: SpawnHarnessOptions = {}): Promise<HarnessResult> {
  return startHarness(args, opts).done;
}

/** Starts the harness and hands back the live process (see RunningHarness). */
export function startHarness(args: string[], opts: SpawnHarnessOptions = {}): RunningHarness {
  const cwd = opts.cwd ?? process.cwd();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries({ ...process.env, ...DEFAULT_ENV, ...opts.env })) if (v !== undefined) env[k] = v;
  const command = `harness ${args.join(' ')}`;
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const text: Record<Stream, string> = { stdout: '', stderr: '', output: '' };
  const waiters = new Set<{ pattern: RegExp; stream: Stream; resolve: (m: RegExpExecArray) => void; reject: (e: Error) => void }>();
  const onData = (stream: 'stdout' | 'stderr') => (d: string) => {
    text[stream] += d;
    text.output += d;
    for (const w of waiters) {
      if (w.stream !== stream && w.stream !== 'output') continue;
      const m = w.pattern.exec(text[w.stream]);
      if (m) (waiters.delete(w), w.resolve(m));
    }
  };
  // decoded per stream, so a character split across two chunks (k6's █ and ✓) stays whole
  child.stdout!.setEncoding('utf8').on('data', onData('stdout'));
  child.stderr!.setEncoding('utf8').on('data', onData('stderr'));

  const shown = () =>
    `  cwd: ${cwd}\n--- stdout (last ${SHOWN_CHARS} chars) ---\n${text.stdout.slice(-SHOWN_CHARS)}\n--- stderr (last ${SHOWN_CHARS} chars) ---\n${text.stderr.slice(-SHOWN_CHARS)}`;
  const group = (signal: NodeJS.Signals) => void killGroup(child.pid!, signal); // false: the group is empty
  let exited = false;
  let hung: string | undefined;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const killGraceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  let killer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    hung = `${command} hung: no exit after ${timeoutMs} ms; SIGINT sent to its process group, SIGKILL ${killGraceMs} ms later`;
    group('SIGINT');
    killer = setTimeout(() => group('SIGKILL'), killGraceMs);
  }, timeoutMs);
  track(child);

  const done = new Promise<HarnessResult>((resolve, reject) => {
    child.once('error', (e) => {
      clearTimeout(timer);
      live.delete(child);
      reject(new Error(`${command}: could not start: ${e.message}\n${shown()}`));
    });
    child.once('exit', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      clearTimeout(killer);
      live.delete(child);
      if (hung) group('SIGKILL'); // what it left in its group after the timeout's SIGINT
      const drained = new Promise<void>((r) => {
        if (child.stdout!.readableEnded && child.stderr!.readableEnded) return r();
        const t = setTimeout(r, DRAIN_MS);
        child.once('close', () => (clearTimeout(t), r()));
      });
      void drained.then(() => {
        // a grandchild left holding the pipes must not keep the test process alive
        (child.stdout as { unref?: () => void } | null)?.unref?.();
        (child.stderr as { unref?: () => void } | null)?.unref?.();
        const how = code ?? signal;
        for (const w of waiters) w.reject(new Error(`${command} exited (${how}) before ${w.pattern} appeared in its ${w.stream}\n${shown()}`));
        waiters.clear();
        if (hung) reject(new Error(`${hung}\n${shown()}`));
        else resolve({ code, signal, stdout: text.stdout, stderr: text.stderr, output: text.output });
      });
    });
  });
  // a test that only waits for a line, or disposes, must not turn a timeout into an unhandled rejection
  done.catch(() => {});

  return {
    pid: child.pid!,
    child,
    get stdout() {
      return text.stdout;
    },
    get stderr() {
      return text.stderr;
    },
    get output() {
      return text.output;
    },
    get exited() {
      return exited;
    },
    done,
    waitFor(pattern, o = {}) {
      const stream = o.stream ?? 'output';
      const now = pattern.exec(text[stream]);
      if (now) return Promise.resolve(now);
      if (exited) return Promise.reject(new Error(`${command} has exited; ${pattern} never appeared in its ${stream}\n${shown()}`));
      return new Promise((resolve, reject) => {
        let t: NodeJS.Timeout | undefined;
        const w = {
          pattern,
          stream,
          resolve: (m: RegExpExecArray) => (clearTimeout(t), resolve(m)),
          reject: (e: Error) => (clearTimeout(t), reject(e)),
        };
        waiters.add(w);
        if (o.timeoutMs !== undefined) {
          t = setTimeout(() => {
            waiters.delete(w);
            reject(new Error(`${command}: ${pattern} did not appear in its ${stream} within ${o.timeoutMs} ms\n${shown()}`));
          }, o.timeoutMs);
        }
      });
    },
    kill(signal) {
      if (!exited) child.kill(signal);
    },
    killGroup: group,
    async [Symbol.asyncDispose]() {
      if (!exited) group('SIGKILL');
      await done.catch(() => {});
    },
  };
}

/** Harnesses still running: they die with the test process (see `track`). */
const live = new Set<ChildProcess>();
let tracking = false;

/**
 * Each harness leads a process group of its own, out of reach of the terminal's Ctrl-C, so the
 * test process forwards its own SIGINT/SIGTERM to them (they tear down, as a user's would) and
 * SIGKILLs whatever is left when it exits. The forwarding listener re-raises the signal when it
 * is the only one, so the test process still dies of it (as mocha's own listeners do).
 */
function track(child: ChildProcess): void {
  live.add(child);
  if (tracking) return;
  tracking = true;
  const signalAll = (signal: NodeJS.Signals) => {
    for (const c of live) killGroup(c.pid!, signal);
  };
  process.once('exit', () => signalAll('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, function forward() {
      signalAll(signal);
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, forward);
        process.kill(process.pid, signal);
      }
    });
  }
}
