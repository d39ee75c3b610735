import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve, sep } from 'node:path';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { InvalidConfigError } from '../errors';
import { bundleScenario, K6_TARGET } from './bundle';
import { atomicWrite, CompileCache } from './compile-cache';
import { harnessRoot } from './paths';
import { ScriptCompileError, type CompileDiagnostic } from './script-compile-error';
import { K6_GLOBALS_DTS, scenarioTsconfigPath, typeCheck } from './type-check';

/**
 * scenario.ts ──esbuild (syntax, imports, boundary)──▶ in-memory ESM ──tsc --noEmit──▶ <outDir>/<name>.js
 *                                  │ errors                          │ errors
 *                                  └──────── ScriptCompileError (exit 107): file:line:col message, nothing runs
 */
export interface CompileOptions {
  /** Where the bundle is written as `<name>.js` (a run directory, usually). */
  outDir: string;
  /** Diagnostics are relative to it; `scenarios/tsconfig.json` is looked up in it. Default process.cwd(). */
  cwd?: string;
  /** Type-check `.ts` entries (default true). `.js` entries are never type-checked, as in k6. */
  typeCheck?: boolean;
  /** false disables the cache; a string overrides its directory. Default `<cwd>/node_modules/.cache/harness-build`. */
  cache?: boolean | string;
}

export interface CompileResult {
  /** Absolute path of the single ES module k6 (or the builtin engine) runs. */
  bundlePath: string;
  /** Always true: the bundle carries an inline source map with absolute source paths. */
  sourceMapInline: true;
  /** Warnings only (errors throw). */
  diagnostics: CompileDiagnostic[];
  /** Whether the bundle came from the cache. */
  cached: boolean;
  /** Content hash of the inputs and settings (names the cached bundle). */
  hash: string;
  /** Absolute paths of every file the bundle was built from. */
  inputs: string[];
  /**
   * Whether the script reads `HARNESS_VUS`/`HARNESS_DURATION` (catalog scenarios do). When it
   * does not, `--vus`/`--duration` must be passed as k6's own flags instead (engine `overrideVia: 'flags'`).
   */
  readsHarnessOverrides: boolean;
}

/** Bumped when this compiler's output changes for the same input. */
const COMPILER_REVISION = 1;

export async function compileScenario(path: string, opts: CompileOptions): Promise<CompileResult> {
  const cwd = opts.cwd ?? process.cwd();
  const entry = resolve(cwd, path);
  if (!existsSync(entry)) throw new InvalidConfigError(`scenario file not found: ${path}`);
  const isTs = /\.(ts|mts|cts)$/.test(entry);
  const check = isTs && opts.typeCheck !== false;
  const boundaryDir = scenariosBoundary(entry);
  const tsconfigPath = check ? scenarioTsconfigPath(cwd) : '';
  const entryKey = JSON.stringify({
    rev: COMPILER_REVISION,
    entry,
    check,
    boundaryDir,
    target: K6_TARGET,
    esbuild: esbuild.version,
    ts: check ? ts.version : '',
    tsconfig: check ? readFileSync(tsconfigPath, 'utf8') : '',
    k6types: check ? k6TypesVersion() : '',
    globals: check ? readFileSync(K6_GLOBALS_DTS, 'utf8') : '',
  });
  const cache = opts.cache === false ? undefined : new CompileCache(typeof opts.cache === 'string' ? opts.cache : CompileCache.defaultDir(cwd));
  const bundlePath = join(resolve(cwd, opts.outDir), `${basename(entry, extname(entry))}.js`);

  const hit = await cache?.lookup(entryKey);
  if (hit) {
    await atomicWrite(bundlePath, hit.code);
    return result(bundlePath, hit.code, hit.warnings, true, hit.key, hit.inputs);
  }

  const bundled = await bundleScenario(entry, { cwd, boundaryDir });
  if (!bundled.ok) throw new ScriptCompileError(path, bundled.errors, 'syntax');
  const diagnostics: CompileDiagnostic[] = [...bundled.warnings];
  let inputs = bundled.inputs;
  if (check) {
    const tc = typeCheck(entry, cwd);
    const errors = tc.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new ScriptCompileError(path, errors, 'type');
    diagnostics.push(...tc.diagnostics.filter((d) => d.severity === 'warning'));
    // type-only imports are erased from the bundle but still decide whether it type-checks
    inputs = [...new Set([...inputs, ...tc.sourceFiles.map((f) => resolve(f))])];
  }
  const hash = cache ? await cache.store(entryKey, inputs, bundled.code, diagnostics) : '';
  await atomicWrite(bundlePath, bundled.code);
  return result(bundlePath, bundled.code, diagnostics, false, hash, inputs);
}

function result(bundlePath: string, code: string, diagnostics: CompileDiagnostic[], cached: boolean, hash: string, inputs: string[]): CompileResult {
  return {
    bundlePath,
    sourceMapInline: true,
    diagnostics,
    cached,
    hash,
    inputs,
    readsHarnessOverrides: /HARNESS_(VUS|DURATION)/.test(withoutSourceMap(code)),
  };
}

function withoutSourceMap(code: string): string {
  const i = code.lastIndexOf('//# sourceMappingURL=');
  return i < 0 ? code : code.slice(0, i);
}

/** The `scenarios/` folder an entry lives in (the import boundary applies there), if any. */
export function scenariosBoundary(entry: string): string | undefined {
  const parts = entry.split(sep);
  const i = parts.lastIndexOf('scenarios');
  return i > 0 && i < parts.length - 1 ? parts.slice(0, i + 1).join(sep) : undefined;
}

function k6TypesVersion(): string {
  try {
    return JSON.parse(readFileSync(join(harnessRoot, 'node_modules', '@types', 'k6', 'package.json'), 'utf8')).version;
  } catch {
    return 'missing';
  }
}
