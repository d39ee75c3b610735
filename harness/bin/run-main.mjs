// How the `harness` bin runs main(): plain JS so the bin can use it before tsx is registered.
export const INTERNAL_EXIT_CODE = 111;

/**
 * Runs `main(argv)` and makes its result the process exit code.
 *
 * main() is not awaited at the top level on purpose: if it ever waited on something nothing
 * keeps alive (a promise only an unref'd socket or timer could settle), Node would empty its
 * event loop and exit 13 ("unsettled top-level await") with no verdict and no exit-code file.
 * Here 'beforeExit' sees the loop empty while main() is still pending and reports that as the
 * bug it is: a clear message and exit 111.
 */
export function runMain(main, argv, stderr = process.stderr) {
  guardStdio(process.stdout);
  guardStdio(process.stderr);
  let settled = false;
  main(argv).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (e) => {
      settled = true;
      stderr.write(`internal error: ${e?.stack ?? e}\n  this is a bug in the harness; please report it\n`);
      process.exitCode = INTERNAL_EXIT_CODE;
    },
  );
  process.on('beforeExit', () => {
    if (settled) return;
    settled = true;
    const active = process.getActiveResourcesInfo().join(', ') || 'none';
    stderr.write(
      `internal error: the harness stopped before finishing: it was waiting on something that can never complete (active resources: ${active})\n` +
        '  this is a bug in the harness; please report it with the run directory attached\n',
    );
    process.exitCode = INTERNAL_EXIT_CODE;
  });
}

/**
 * A reader that goes away (`harness run x | head`, a CI log pipe that dies, a killed parent) makes
 * every later write to stdout/stderr fail with EPIPE, emitted as an 'error' event. Unhandled, it
 * becomes an uncaught exception whose report is itself a write to stderr: a loop that spun at
 * full CPU and starved the teardown. The console is gone, but the run is not: its results go to
 * the run directory, so stdio write errors are dropped and the run finishes and tears down as
 * it would have.
 */
function guardStdio(stream) {
  stream.on('error', () => {});
}
