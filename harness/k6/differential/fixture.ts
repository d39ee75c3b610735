import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Profile } from './profile';
import { DIFF_FIXTURES_DIR } from './run-case';

/**
 * One recording: what real k6 v0.48 did with one script of scripts/ (`real`), where it came from,
 * and, when the built-in engine is known to differ, why and what the built-in engine does instead
 * (`known.builtin`, asserted as is so a fix shows up as a failing test that asks to drop the note).
 */
export interface Fixture {
  script: string;
  /** sha256 of the script the recording was made from: an edited script must be re-recorded. */
  scriptSha256: string;
  recorded: { tool: string; date: string; command: string };
  real: Profile;
  known?: { why: string; builtin: Profile };
}

export function fixturePath(script: string): string {
  return join(DIFF_FIXTURES_DIR, script.replace(/\.js$/, '.json'));
}

export async function readFixture(script: string): Promise<Fixture | undefined> {
  const text = await readFile(fixturePath(script), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as Fixture);
}

export async function writeFixture(f: Fixture): Promise<void> {
  await writeFile(fixturePath(f.script), `${JSON.stringify(f, null, 2)}\n`);
}

/** The first differing fields of two profiles, one per line, for failure messages and the recorder. */
export function describeDiff(expected: Profile, actual: Profile): string {
  const lines: string[] = [];
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]) as Set<keyof Profile>;
  for (const k of keys) {
    const a = JSON.stringify(expected[k]);
    const b = JSON.stringify(actual[k]);
    if (a !== b) lines.push(`  ${k}:\n    real k6:  ${a}\n    built-in: ${b}`);
  }
  return lines.join('\n');
}
