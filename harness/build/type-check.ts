import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import ts from 'typescript';
import { harnessRoot, typeRootsFor } from './paths';
import type { CompileDiagnostic } from './script-compile-error';

export interface TypeCheckResult {
  /** Errors first, then warnings; empty when the script is clean. */
  diagnostics: CompileDiagnostic[];
  /** Project source files the program read (no lib or node_modules files): cache inputs. */
  sourceFiles: string[];
  /** Path of the tsconfig whose compilerOptions were used. */
  tsconfigPath: string;
}

/** `<cwd>/scenarios/tsconfig.json` when the project has one, else the harness's own. */
export function scenarioTsconfigPath(cwd: string): string {
  const own = join(cwd, 'scenarios', 'tsconfig.json');
  return existsSync(own) ? own : join(harnessRoot, 'scenarios', 'tsconfig.json');
}

export function loadCompilerOptions(tsconfigPath: string, cwd: string): ts.CompilerOptions {
  const read = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, ' '));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(tsconfigPath), undefined, tsconfigPath);
  return {
    ...parsed.options,
    noEmit: true,
    // A script outside scenarios/ (a user's path) still finds @types/k6.
    typeRoots: [...(parsed.options.typeRoots ?? []), ...typeRootsFor(cwd)],
    types: parsed.options.types ?? ['k6'],
  };
}

// Reusing the previous program lets TypeScript skip re-parsing lib and @types/k6 files
// (most of the cost) when several scenarios are checked in one process.
let previous: { key: string; program: ts.Program } | undefined;

/** `tsc --noEmit` on one entry file with the scenarios' compiler options (types: k6). */
/** Ambient declarations of k6 globals that @types/k6 lacks (console, timers). */
export const K6_GLOBALS_DTS = join(harnessRoot, 'scenarios', 'globals.d.ts');

export function typeCheck(entry: string, cwd: string): TypeCheckResult {
  const tsconfigPath = scenarioTsconfigPath(cwd);
  const options = loadCompilerOptions(tsconfigPath, cwd);
  const key = JSON.stringify(options);
  const host = ts.createCompilerHost(options, true);
  const program = ts.createProgram({
    rootNames: [entry, K6_GLOBALS_DTS],
    options,
    host,
    oldProgram: previous?.key === key ? previous.program : undefined,
  });
  previous = { key, program };

  const all = ts.getPreEmitDiagnostics(program);
  const diagnostics = all
    .filter((d) => d.category === ts.DiagnosticCategory.Error || d.category === ts.DiagnosticCategory.Warning)
    .map((d) => toDiagnostic(d, cwd))
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));

  const sourceFiles = program
    .getSourceFiles()
    .map((f) => f.fileName)
    .filter((f) => !f.includes('/node_modules/') && f !== K6_GLOBALS_DTS && !program.isSourceFileDefaultLibrary(program.getSourceFile(f)!));
  return { diagnostics, sourceFiles, tsconfigPath };
}

function toDiagnostic(d: ts.Diagnostic, cwd: string): CompileDiagnostic {
  const message = `${ts.flattenDiagnosticMessageText(d.messageText, ' ')} (TS${d.code})`;
  const severity = d.category === ts.DiagnosticCategory.Error ? 'error' : 'warning';
  if (!d.file || d.start === undefined) return { severity, source: 'tsc', message };
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return { severity, source: 'tsc', file: displayPath(d.file.fileName, cwd), line: line + 1, column: character + 1, message };
}

/** Relative to cwd when inside it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
