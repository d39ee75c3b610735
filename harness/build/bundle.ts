import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import * as esbuild from 'esbuild';
import { displayPath } from './type-check';
import type { CompileDiagnostic } from './script-compile-error';

/**
 * What k6 v0.48 can run: one ES module. k6 0.48 still passes ES modules through its bundled
 * Babel (ESM -> CommonJS) before goja, and that Babel predates optional chaining, `??` and
 * object spread, so we lower to ES2017 (async/await stays; goja has it since k6 0.43).
 */
export const K6_TARGET = 'es2017';

/** Imports k6 resolves itself: its modules and remote modules. */
export function isK6External(spec: string): boolean {
  return spec === 'k6' || spec.startsWith('k6/') || spec.startsWith('https://');
}

export interface BundleOptions {
  /** The working directory: diagnostics are reported relative to it. */
  cwd: string;
  /**
   * When set, files inside this directory may import only `k6`, `k6/*`, `https://` modules,
   * relative files inside it and the pure `vocabulary/duration` module beside it (the
   * `scenarios/` boundary rule; harness code and npm packages are not available inside a VU on
   * real k6).
   */
  boundaryDir?: string;
}

export type BundleOutcome =
  | {
      ok: true;
      /** The ES module with an inline source map whose sources are absolute paths. */
      code: string;
      /** Absolute paths of the files bundled (cache inputs). */
      inputs: string[];
      warnings: CompileDiagnostic[];
    }
  | { ok: false; errors: CompileDiagnostic[]; warnings: CompileDiagnostic[] };

export async function bundleScenario(entry: string, o: BundleOptions): Promise<BundleOutcome> {
  // The outfile only anchors relative paths; nothing is written (write: false).
  const outfile = join(dirname(entry), '__harness_bundle__.js');
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: o.cwd,
      bundle: true,
      write: false,
      outfile,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: K6_TARGET,
      sourcemap: 'inline',
      sourcesContent: true,
      metafile: true,
      logLevel: 'silent',
      charset: 'utf8',
      external: ['k6', 'k6/*', 'https://*'],
      plugins: o.boundaryDir ? [boundaryPlugin(o.boundaryDir)] : [],
    });
    const out = result.outputFiles.find((f) => f.path.endsWith('.js'));
    if (!out) throw new Error('esbuild produced no JavaScript output');
    return {
      ok: true,
      code: absolutizeSourceMap(out.text, dirname(outfile)),
      inputs: Object.keys(result.metafile.inputs)
        .filter((p) => !p.includes(':'))
        .map((p) => resolve(o.cwd, p)),
      warnings: result.warnings.map((m) => toDiagnostic(m, 'warning', o.cwd)),
    };
  } catch (e) {
    if (isBuildFailure(e)) {
      return {
        ok: false,
        errors: e.errors.map((m) => toDiagnostic(m, 'error', o.cwd)),
        warnings: e.warnings.map((m) => toDiagnostic(m, 'warning', o.cwd)),
      };
    }
    throw e;
  }
}

/**
 * The one harness module scenarios may import: k6's duration grammar (no Node imports), so a
 * scenario reads `HARNESS_DURATION` exactly as `harness run` and k6 do.
 */
export const SCENARIO_SHARED_MODULE = join('vocabulary', 'duration');

function boundaryPlugin(dir: string): esbuild.Plugin {
  const withSep = (d: string) => (d.endsWith(sep) ? d : d + sep);
  const roots = [withSep(dir), withSep(join(dirname(dir), SCENARIO_SHARED_MODULE))];
  const inside = (p: string) => roots.some((r) => p.startsWith(r));
  return {
    name: 'harness-scenario-boundary',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point' || !inside(args.importer)) return undefined;
        if (isK6External(args.path)) return { path: args.path, external: true };
        if (args.path.startsWith('.') || isAbsolute(args.path)) {
          const target = resolve(args.resolveDir, args.path);
          if (inside(target) || inside(withSep(target))) return undefined;
          return { errors: [{ text: `"${args.path}" is outside ${dir}: scenarios may import only k6/*, https:// modules, files under scenarios/ and ${SCENARIO_SHARED_MODULE}/` }] };
        }
        return { errors: [{ text: `"${args.path}" cannot be imported by a scenario: scenarios may import only k6, k6/*, https:// modules, files under scenarios/ and ${SCENARIO_SHARED_MODULE}/ (they run inside k6, not Node)` }] };
      });
    },
  };
}

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

/**
 * esbuild writes `sources` relative to the outfile; the bundle is cached and copied into each
 * run directory, so make them absolute and the map valid wherever the bundle lands.
 */
function absolutizeSourceMap(code: string, outDir: string): string {
  const m = INLINE_MAP.exec(code);
  if (!m) return code;
  const map = JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')) as { sources: string[] };
  map.sources = map.sources.map((s) => (isAbsolute(s) || s.includes(':') ? s : resolve(outDir, s)));
  const encoded = Buffer.from(JSON.stringify(map), 'utf8').toString('base64');
  return `${code.slice(0, m.index)}//# sourceMappingURL=data:application/json;base64,${encoded}\n`;
}

function isBuildFailure(e: unknown): e is esbuild.BuildFailure {
  return typeof e === 'object' && e !== null && Array.isArray((e as esbuild.BuildFailure).errors);
}

function toDiagnostic(m: esbuild.Message, severity: 'error' | 'warning', cwd: string): CompileDiagnostic {
  const loc = m.location;
  if (!loc) return { severity, source: 'esbuild', message: m.text };
  return {
    severity,
    source: 'esbuild',
    file: displayPath(resolve(cwd, loc.file), cwd),
    line: loc.line,
    // esbuild columns are 0-based bytes; report 1-based like tsc
    column: loc.column + 1,
    message: m.text,
  };
}
