import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { InvalidConfigError } from '../errors';
import { harnessRoot } from './paths';

/**
 * The scenario catalog: `scenarios/<name>.ts` (not `lib/`, not tests). A scenario describes
 * itself in the first `/** ... *\/` block of its file; the first paragraph of that block is its
 * description (read statically: the harness never imports scenario code, and `harness list`
 * must not compile seven bundles to print seven lines).
 */
export interface ScenarioEntry {
  name: string;
  /** Absolute path of the source file. */
  path: string;
  description: string;
  /** `project`: `<cwd>/scenarios`; `bundled`: the harness's own catalog. */
  origin: 'project' | 'bundled' | 'path';
}

const SCRIPT_EXT = /\.(ts|js|mjs|cjs|mts)$/;

/** Catalog folders, most specific first (a project's scenario shadows a bundled one of the same name). */
export function catalogDirs(cwd: string): { dir: string; origin: 'project' | 'bundled' }[] {
  const own = resolve(cwd, 'scenarios');
  const bundled = join(harnessRoot, 'scenarios');
  const dirs: { dir: string; origin: 'project' | 'bundled' }[] = [];
  if (own !== bundled && existsSync(own)) dirs.push({ dir: own, origin: 'project' });
  dirs.push({ dir: bundled, origin: 'bundled' });
  return dirs;
}

export async function listScenarios(cwd: string): Promise<ScenarioEntry[]> {
  const byName = new Map<string, ScenarioEntry>();
  for (const { dir, origin } of catalogDirs(cwd)) {
    let files: string[];
    try {
      files = await readdir(dir);
    } catch {
      continue;
    }
    for (const f of files.sort()) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts') || f.endsWith('.d.ts')) continue;
      const name = basename(f, '.ts');
      if (byName.has(name)) continue;
      const path = join(dir, f);
      byName.set(name, { name, path, description: readDescription(await readFile(path, 'utf8')), origin });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A catalog name (`smoke`) or a path (`./my-test.ts`, `scenarios/x.js`) to a script file.
 * Anything with a slash or a script extension is a path, resolved against cwd.
 */
export async function resolveScenario(nameOrPath: string, cwd: string): Promise<ScenarioEntry> {
  const catalog = await listScenarios(cwd);
  if (nameOrPath.includes('/') || nameOrPath.includes('\\') || SCRIPT_EXT.test(nameOrPath)) {
    const path = resolve(cwd, nameOrPath);
    if (!existsSync(path)) {
      throw new InvalidConfigError(`scenario file not found: ${nameOrPath} (resolved to ${path})`, [], {
        hint: `pass an existing .ts/.js file or a catalog name: ${catalog.map((s) => s.name).join(', ')}`,
      });
    }
    const text = await readFile(path, 'utf8');
    return { name: basename(path, extname(path)), path, description: readDescription(text), origin: 'path' };
  }
  const found = catalog.find((s) => s.name === nameOrPath);
  if (!found) {
    throw new InvalidConfigError(`unknown scenario "${nameOrPath}"; valid: ${catalog.map((s) => s.name).join(', ')}`, [], {
      hint: 'run `harness list` to see the catalog, or pass a path to a .ts/.js script',
    });
  }
  return found;
}

/** First paragraph of the file's leading `/** *\/` block, on one line; '' when there is none. */
export function readDescription(source: string): string {
  const text = source.replace(/^#!.*\n/, '');
  const m = /^\s*(?:\/\/[^\n]*\n\s*)*\/\*\*([\s\S]*?)\*\//.exec(text);
  if (!m) return '';
  const lines = m[1].split('\n').map((l) => l.replace(/^\s*\*?\s?/, '').trimEnd());
  const para: string[] = [];
  for (const l of lines) {
    if (!l.trim()) {
      if (para.length) break;
      continue;
    }
    if (l.trim().startsWith('@')) break;
    para.push(l.trim());
  }
  return para.join(' ');
}
