/**
 * Records what real k6 v0.48 does with each differential script: `npm run record-differential
 * [-- name.js ...] [--why "reason" name.js]`. Drives an installed k6 (K6_BIN, or k6 on PATH; see
 * harness/testing/real-tools.ts) and never builds one. Writes fixtures/k6-v0.48/<name>.json
 * (review with `git diff`), then runs the built-in engine on the same script and prints any
 * difference. `--why` marks the named script as a known difference, storing the built-in
 * engine's current profile beside real k6's (a known difference already recorded keeps its
 * reason and gets the built-in profile refreshed). Exit 0 when done, 110 when k6 is missing.
 */
import { isDeepStrictEqual } from 'node:util';
import { execFileSync } from 'node:child_process';
import { findRealK6 } from '../../testing/real-tools';
import { describeDiff, readFixture, writeFixture, type Fixture } from './fixture';
import { directivesOf, listScripts, runCase, scriptSource, sha256 } from './run-case';

const log = (s: string) => process.stdout.write(`${s}\n`);

async function main(argv: string[]): Promise<number> {
  const lookup = findRealK6();
  if (!lookup.found) {
    process.stderr.write(`record-differential: real k6 v0.48 is needed: ${lookup.reason}\n  hint: set K6_BIN=/path/to/k6 (a k6 v0.48.x you built or installed yourself)\n`);
    return 110;
  }
  const k6 = lookup.tool;
  let why: string | undefined;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--why') why = argv[++i];
    else names.push(argv[i].replace(/^.*\//, ''));
  }
  if (why !== undefined && names.length !== 1) {
    process.stderr.write('record-differential: --why marks one script; name exactly one\n');
    return 104;
  }
  const all = await listScripts();
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length) {
    process.stderr.write(`record-differential: no such script in scripts/: ${unknown.join(', ')}\n`);
    return 104;
  }
  const version = execFileSync(k6.path, ['version'], { encoding: 'utf8' }).trim();
  log(`recording with ${version} (${k6.path}, ${k6.via})`);
  let differ = 0;
  for (const name of names.length ? names : all) {
    const source = await scriptSource(name);
    const flags = directivesOf(source).flags;
    const real = await runCase(name, { kind: 'k6', path: k6.path });
    const builtin = await runCase(name, { kind: 'builtin' });
    const previous = await readFixture(name);
    const reason = why ?? previous?.known?.why;
    const fixture: Fixture = {
      script: name,
      scriptSha256: sha256(source),
      recorded: {
        tool: version,
        date: new Date().toISOString().slice(0, 10),
        command: `k6 run -q --out json=points.ndjson --summary-export summary.json ${flags.length ? `${flags.join(' ')} ` : ''}${name} (BASE_URL, CLOSED_URL on 127.0.0.1)`,
      },
      real,
    };
    const same = isDeepStrictEqual(real, builtin);
    if (reason !== undefined && !same) fixture.known = { why: reason, builtin };
    await writeFixture(fixture);
    if (same) log(`  ${name}: exit ${real.code}; built-in engine agrees${reason !== undefined ? ' (the known-difference note was dropped)' : ''}`);
    else {
      differ++;
      log(`  ${name}: exit ${real.code}; built-in engine differs${reason !== undefined ? ` (known: ${reason})` : ' (fix it, or mark it with --why)'}:\n${describeDiff(real, builtin)}`);
    }
  }
  log(`done; ${differ} script(s) differ`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`record-differential: ${(e as Error).stack}\n`);
    process.exit(111);
  },
);
