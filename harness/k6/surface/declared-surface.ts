/**
 * The k6 JS API as `@types/k6` declares it: every module (`k6`, `k6/http`, …) and its value
 * exports with their kind, read with the TypeScript compiler API from the installed package.
 * Type-only exports (interfaces, type aliases) and abstract classes (k6's "branded" classes: the
 * runtime hands out instances, never the class) are left out: nothing exists at run time to test.
 * Test-time only (imports typescript); the surface test proves the built-in engine against it.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export type DeclaredKind = 'function' | 'class' | 'constant' | 'namespace';

export interface DeclaredExport {
  readonly name: string;
  readonly kind: DeclaredKind;
}

export interface DeclaredModule {
  /** Import path: `k6`, `k6/http`, `k6/experimental/fs`. */
  readonly path: string;
  /** Declaration file, relative to the package. */
  readonly file: string;
  readonly exports: DeclaredExport[];
}

/** Walks `<typesDir>/**\/index.d.ts` (typesDir = node_modules/@types/k6). */
export function declaredSurface(typesDir: string): { version: string; modules: DeclaredModule[] } {
  const version = (JSON.parse(fs.readFileSync(path.join(typesDir, 'package.json'), 'utf8')) as { version: string }).version;
  const files = indexFiles(typesDir);
  const program = ts.createProgram({ rootNames: files, options: { noEmit: true, skipLibCheck: true, types: [], moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  const checker = program.getTypeChecker();
  const modules: DeclaredModule[] = [];
  for (const file of files) {
    const sf = program.getSourceFile(file);
    const sym = sf && checker.getSymbolAtLocation(sf);
    if (!sym) continue;
    const rel = path.relative(typesDir, path.dirname(file)).split(path.sep).join('/');
    const exports: DeclaredExport[] = [];
    for (const e of checker.getExportsOfModule(sym)) {
      const kind = kindOf(e, checker);
      if (kind) exports.push({ name: e.getName(), kind });
    }
    exports.sort((a, b) => a.name.localeCompare(b.name));
    if (exports.length > 0) modules.push({ path: rel ? `k6/${rel}` : 'k6', file: path.relative(typesDir, file), exports });
  }
  modules.sort((a, b) => a.path.localeCompare(b.path));
  return { version, modules };
}

function indexFiles(dir: string): string[] {
  const out: string[] = [];
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory() && ent.name !== 'node_modules') out.push(...indexFiles(p));
    else if (ent.name === 'index.d.ts') out.push(p);
  }
  return out.sort();
}

function kindOf(sym: ts.Symbol, checker: ts.TypeChecker): DeclaredKind | null {
  let s = sym;
  if (s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
  const f = s.flags;
  if (f & ts.SymbolFlags.Class) {
    const decl = s.declarations?.find(ts.isClassDeclaration);
    const abstract = decl?.modifiers?.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword);
    return abstract ? null : 'class';
  }
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.Enum)) return 'namespace';
  if (f & ts.SymbolFlags.Variable) return 'constant';
  return null;
}
