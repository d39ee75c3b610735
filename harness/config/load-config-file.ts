import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidConfigError } from '../errors';
import type { UserConfig } from './schema';

export const CONFIG_FILES = ['harness.config.ts', 'harness.config.mts', 'harness.config.js', 'harness.config.mjs'];

/** Imports `harness.config.*` from `cwd` (TypeScript through tsx's loader); undefined when absent. */
export async function loadConfigFile(cwd: string, explicit?: string): Promise<{ file?: string; config: UserConfig }> {
  const file = explicit ? join(cwd, explicit) : CONFIG_FILES.map((f) => join(cwd, f)).find((f) => existsSync(f));
  if (!file) return { config: {} };
  if (!existsSync(file)) throw new InvalidConfigError(`config file ${file} does not exist`);
  try {
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    const config = mod.default ?? {};
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new InvalidConfigError(`${file}: the default export must be an object (use defineConfig({...}))`);
    }
    return { file, config: config as UserConfig };
  } catch (e) {
    if (e instanceof InvalidConfigError) throw e;
    throw new InvalidConfigError(`could not load ${file}: ${(e as Error).message}`, [], { cause: e });
  }
}
