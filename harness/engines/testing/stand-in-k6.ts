import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `harness/engines/fixtures/k6-cli/<version>/` (PROVENANCE.md there). */
export const K6_CLI_FIXTURES = fileURLToPath(new URL('../fixtures/k6-cli/', import.meta.url));
export const K6_CLI_VERSIONS = ['v0.48.0', 'v1.0.0', 'v1.8.1', 'v2.2.0'] as const;

/**
 * A stand-in `k6` for the adapter's tests, never for load: it answers `version` and `run --help`
 * with a release's recorded or constructed text, and for `run` writes its arguments (one per
 * line) to `argvFile` and exits with `runExit`.
 */
export async function writeStandInK6(dir: string, version: string, o: { argvFile: string; runExit: number }): Promise<string> {
  await mkdir(dir, { recursive: true });
  const fixture = join(K6_CLI_FIXTURES, version);
  const bin = join(dir, 'k6');
  await writeFile(
    bin,
    // shell builtins only: tests run it with a PATH that may hold nothing but this file
    `#!/bin/sh
show() { while IFS= read -r l || [ -n "$l" ]; do printf '%s\n' "$l"; done < "$1"; }
if [ "$1" = version ]; then show '${fixture}/version.txt'; exit 0; fi
if [ "$1" = run ] && [ "$2" = --help ]; then show '${fixture}/run-help.txt'; exit 0; fi
if [ "$1" = run ]; then : > '${o.argvFile}'; for a in "$@"; do printf '%s\\n' "$a" >> '${o.argvFile}'; done; exit ${o.runExit}; fi
echo "stand-in k6: unexpected $*" >&2; exit 2
`,
  );
  await chmod(bin, 0o755);
  return bin;
}
