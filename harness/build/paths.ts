import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The harness package root (holds package.json, node_modules, the bundled scenarios/). */
export const harnessRoot: string = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** Where k6's type definitions live: the cwd's node_modules first, then the harness's own. */
export function typeRootsFor(cwd: string): string[] {
  const roots: string[] = [];
  for (let d = cwd; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', '@types');
    if (existsSync(candidate)) roots.push(candidate);
    if (dirname(d) === d) break;
  }
  const own = join(harnessRoot, 'node_modules', '@types');
  if (!roots.includes(own)) roots.push(own);
  return roots;
}
