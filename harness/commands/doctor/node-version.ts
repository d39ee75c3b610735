import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckResult } from './check-result';

/** The harness's own package.json (not the user's cwd): its `engines.node` is the requirement. */
export const HARNESS_PACKAGE_JSON = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'package.json');

type Version = [number, number, number];

function parseVersion(s: string): { v: Version; parts: number } | undefined {
  const m = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(s.trim());
  if (!m) return undefined;
  const n = (x: string | undefined) => (x === undefined || x === 'x' || x === '*' ? undefined : Number(x));
  const parts = [m[1], m[2], m[3]].filter((x) => n(x) !== undefined).length;
  return { v: [Number(m[1]), n(m[2]) ?? 0, n(m[3]) ?? 0], parts };
}

function cmp(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * Whether `version` satisfies an npm `engines` range, for the subset package.json files use:
 * comparators `>=`, `>`, `<=`, `<`, `=`, `^`, `~`, bare or `x` versions, space = and, `||` = or.
 * Returns undefined for a range it cannot read (reported, never guessed).
 */
export function satisfiesRange(version: string, range: string): boolean | undefined {
  const have = parseVersion(version);
  if (!have) return undefined;
  const v = have.v;
  let any = false;
  for (const alt of range.split('||')) {
    const comparators = alt.trim().split(/\s+/).filter(Boolean);
    let all = true;
    for (const c of comparators.length ? comparators : ['*']) {
      if (c === '*' || c === 'x') continue;
      const m = /^(>=|<=|>|<|=|\^|~)?(.+)$/.exec(c);
      const want = m && parseVersion(m[2]);
      if (!m || !want) return undefined;
      const w = want.v;
      const op = m[1] ?? '';
      let ok: boolean;
      switch (op) {
        case '>=':
          ok = cmp(v, w) >= 0;
          break;
        case '>':
          ok = cmp(v, w) > 0;
          break;
        case '<=':
          ok = cmp(v, w) <= 0;
          break;
        case '<':
          ok = cmp(v, w) < 0;
          break;
        case '^': {
          // ^1.2.3 := >=1.2.3 <2.0.0; ^0.2.3 := <0.3.0
          const upper: Version = w[0] > 0 || want.parts < 2 ? [w[0] + 1, 0, 0] : [0, w[1] + 1, 0];
          ok = cmp(v, w) >= 0 && cmp(v, upper) < 0;
          break;
        }
        case '~': {
          const upper: Version = want.parts < 2 ? [w[0] + 1, 0, 0] : [w[0], w[1] + 1, 0];
          ok = cmp(v, w) >= 0 && cmp(v, upper) < 0;
          break;
        }
        default: {
          // `20` / `20.x` match the whole major (minor); `20.19.1` exactly.
          const upper: Version = want.parts === 1 ? [w[0] + 1, 0, 0] : want.parts === 2 ? [w[0], w[1] + 1, 0] : [w[0], w[1], w[2] + 1];
          ok = cmp(v, w) >= 0 && cmp(v, upper) < 0;
        }
      }
      if (!ok) all = false;
    }
    if (all) any = true;
  }
  return any;
}

/** `doctor`'s Node.js line: the running version against package.json's `engines.node`. */
export function nodeCheck(version = process.version, packageJson = HARNESS_PACKAGE_JSON): CheckResult {
  const name = 'Node.js';
  let range: string | undefined;
  try {
    range = (JSON.parse(readFileSync(packageJson, 'utf8')) as { engines?: { node?: string } }).engines?.node;
  } catch (e) {
    return { name, ok: false, detail: `${version}; cannot read ${packageJson}: ${(e as Error).message}`, hint: 'reinstall the harness (its package.json declares the Node versions it supports)', required: true };
  }
  if (!range) return { name, ok: true, detail: `${version} (package.json declares no engines.node)`, required: true };
  const ok = satisfiesRange(version, range);
  if (ok === undefined) return { name, ok: false, detail: `${version}; cannot read the engines.node range "${range}"`, hint: 'write engines.node in package.json as e.g. ">=20.19"', required: true };
  return ok
    ? { name, ok: true, detail: `${version} (engines.node ${range})`, required: true }
    : { name, ok: false, detail: `${version} does not satisfy engines.node "${range}"`, hint: `install a Node.js matching ${range} (e.g. with nvm: nvm install 20 && nvm use 20)`, required: true };
}
