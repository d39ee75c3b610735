import { execFileSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Finds the real k6 and the real Toxiproxy server for the side-by-side suites (k6 conformance,
 * Toxiproxy differential test) and for the fixture recorder. Neither tool is installable from
 * the registries this project's machines reach, so a test that needs one skips, printing why,
 * when it is absent (docs/testing.md says how to provide them).
 *
 * Lookup: `K6_BIN` / `TOXIPROXY_BIN` when set (a path, or a name looked up on PATH), else `k6` /
 * `toxiproxy-server` on PATH. The binary must answer its version command with the tool's own
 * wording, and the version must be the one our fixtures and compatible implementations target.
 */
export interface RealTool {
  /** What the tests print: `k6`, `toxiproxy-server`. */
  readonly name: string;
  /** Absolute path of the binary. */
  readonly path: string;
  /** As the tool reports it: `v0.48.0`, `2.4.0` (or `git` for a source build without ldflags). */
  readonly version: string;
  /** How it was found, e.g. `K6_BIN=/opt/k6` or `on PATH`. */
  readonly via: string;
}

export type RealToolLookup = { found: true; tool: RealTool } | { found: false; reason: string };

interface ToolSpec {
  name: string;
  envVar: string;
  versionArgs: string[];
  /** Extracts the version from the version command's output; undefined when it is not this tool. */
  parse: (out: string) => string | undefined;
  /** Versions our fixtures and built-in implementations target. */
  accepts: (version: string) => boolean;
  wanted: string;
}

/** The k6 version the built-in engine and the k6 fixtures follow. */
export const K6_VERSION = 'v0.48';
/** The Toxiproxy version the built-in server and the Toxiproxy fixtures follow. */
export const TOXIPROXY_VERSION = '2.4';

const K6: ToolSpec = {
  name: 'k6',
  envVar: 'K6_BIN',
  versionArgs: ['version'],
  // `k6 v0.48.0 (go1.19.8, linux/amd64)`
  parse: (out) => /^k6 (v\d+\.\d+\.\d+\S*)/m.exec(out)?.[1],
  accepts: (v) => v === K6_VERSION || v.startsWith(`${K6_VERSION}.`),
  wanted: `k6 ${K6_VERSION}.x`,
};

const TOXIPROXY: ToolSpec = {
  name: 'toxiproxy-server',
  envVar: 'TOXIPROXY_BIN',
  versionArgs: ['-version'],
  // `toxiproxy-server version 2.4.0`; a build from source without release ldflags says `git`
  parse: (out) => /^toxiproxy-server version (\S+)/m.exec(out)?.[1],
  accepts: (v) => v === 'git' || v === TOXIPROXY_VERSION || v.startsWith(`${TOXIPROXY_VERSION}.`) || v.startsWith(`v${TOXIPROXY_VERSION}.`),
  wanted: `toxiproxy-server ${TOXIPROXY_VERSION}.x`,
};

function isExecutableFile(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, name);
    if (isExecutableFile(p)) return p;
  }
  return undefined;
}

function find(spec: ToolSpec, env: NodeJS.ProcessEnv): RealToolLookup {
  const fromEnv = env[spec.envVar];
  let path: string | undefined;
  let via: string;
  if (fromEnv) {
    via = `${spec.envVar}=${fromEnv}`;
    path = isAbsolute(fromEnv) || fromEnv.includes('/') ? (isExecutableFile(fromEnv) ? fromEnv : undefined) : onPath(fromEnv, env);
    if (!path) return { found: false, reason: `${via} is not an executable file` };
  } else {
    via = 'on PATH';
    path = onPath(spec.name, env);
    if (!path) return { found: false, reason: `${spec.name} is not on PATH and ${spec.envVar} is not set (see docs/testing.md)` };
  }
  let out: string;
  try {
    out = execFileSync(path, spec.versionArgs, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    out = `${err.stdout ?? ''}${err.stderr ?? ''}`;
    if (!out) return { found: false, reason: `${path} (${via}) failed to run \`${spec.versionArgs.join(' ')}\`: ${err.message.split('\n')[0]}` };
  }
  const version = spec.parse(out);
  if (!version) return { found: false, reason: `${path} (${via}) is not ${spec.name}: \`${spec.versionArgs.join(' ')}\` printed ${JSON.stringify(out.trim().slice(0, 80))}` };
  if (!spec.accepts(version)) return { found: false, reason: `${path} (${via}) is ${spec.name} ${version}; these tests compare against ${spec.wanted}` };
  return { found: true, tool: { name: spec.name, path, version, via } };
}

/** Real k6 v0.48.x from `K6_BIN` or PATH. */
export function findRealK6(env: NodeJS.ProcessEnv = process.env): RealToolLookup {
  return find(K6, env);
}

/** Real toxiproxy-server 2.4.x from `TOXIPROXY_BIN` or PATH. */
export function findRealToxiproxy(env: NodeJS.ProcessEnv = process.env): RealToolLookup {
  return find(TOXIPROXY, env);
}

/**
 * In a mocha `before`/`it`: returns the tool, or prints why it is missing and skips (the
 * project's convention: a skipped test says why in the output).
 */
export function requireRealTool(ctx: Mocha.Context, lookup: RealToolLookup): RealTool {
  if (lookup.found) return lookup.tool;
  // eslint-disable-next-line no-console
  console.log(`      skipped: ${lookup.reason}`);
  ctx.skip();
}
