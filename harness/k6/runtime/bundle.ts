/**
 * Step 1 of loading: esbuild bundles the script and its local imports into one CJS program
 * (`k6`, `k6/*` stay external and are served by the module registry through `require`).
 * esbuild reads inline source maps of its inputs, so a pre-compiled scenario still maps back to
 * its `.ts` lines.
 */
import * as esbuild from 'esbuild';
import path from 'node:path';
import { ScriptLoadError } from '../types';

export interface BundleInput {
  /** Absolute path of the entry script (used for resolution and messages). */
  filename: string;
  /** Source text; when absent the file is read by esbuild. */
  source?: string;
}

export interface Bundle {
  code: string;
  /** v3 source map of `code` to the original files (absolute paths in `sources`). */
  map: string;
}

const LOADERS: Record<string, esbuild.Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.jsx': 'jsx', '.mjs': 'js', '.cjs': 'js' };

const remoteImports: esbuild.Plugin = {
  name: 'k6-remote-imports',
  setup(build) {
    build.onResolve({ filter: /^https?:\/\// }, (args) => ({
      errors: [
        {
          text: `remote module "${args.path}" is not supported by the builtin engine (it runs offline); vendor the file next to the script and import it by relative path`,
        },
      ],
    }));
  },
};

/** Bundles in flight (releaseBundler waits for none). */
let inFlight = 0;

/**
 * Stops esbuild's service process (~12 MiB RSS) unless a bundle is being built: the engine
 * process bundles its script once and would otherwise keep it idle for the whole test. A later
 * bundle starts it again.
 */
export async function releaseBundler(): Promise<void> {
  if (inFlight === 0) await esbuild.stop();
}

export async function bundleScript(input: BundleInput): Promise<Bundle> {
  inFlight++;
  try {
    return await bundle(input);
  } finally {
    inFlight--;
  }
}

async function bundle(input: BundleInput): Promise<Bundle> {
  const filename = path.resolve(input.filename);
  const ext = path.extname(filename);
  const common: esbuild.BuildOptions = {
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2022',
    external: ['k6', 'k6/*'],
    sourcemap: 'external',
    sourcesContent: false,
    outfile: filename + '.bundle.js',
    logLevel: 'silent',
    plugins: [remoteImports],
    mainFields: ['module', 'main'],
    absWorkingDir: path.dirname(filename),
  };
  let result: esbuild.BuildResult & { outputFiles: esbuild.OutputFile[] };
  try {
    result = (await esbuild.build({
      ...common,
      ...(input.source !== undefined
        ? { stdin: { contents: input.source, sourcefile: filename, resolveDir: path.dirname(filename), loader: LOADERS[ext] ?? 'js' } }
        : { entryPoints: [filename] }),
    })) as typeof result;
  } catch (e) {
    const failure = e as esbuild.BuildFailure;
    const first = failure.errors?.[0];
    if (!first) throw new ScriptLoadError(`cannot bundle ${filename}: ${(e as Error).message}`);
    const loc = first.location ? `${path.resolve(path.dirname(filename), first.location.file)}:${first.location.line}:${first.location.column + 1}` : filename;
    const all = failure.errors.map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ${m.text}` : m.text));
    throw new ScriptLoadError(all.join('\n'), loc);
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (!js || !map) throw new ScriptLoadError(`esbuild produced no output for ${filename}`);
  // Make map sources absolute: they are relative to the outfile's directory.
  const m = JSON.parse(map.text) as { sources: string[] };
  m.sources = m.sources.map((s) => (s.startsWith('<') ? filename : path.resolve(path.dirname(filename), s)));
  const code = js.text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
  return { code, map: JSON.stringify(m) };
}
