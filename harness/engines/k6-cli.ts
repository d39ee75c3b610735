import { ExitCode } from '../errors';

/**
 * What one real k6 binary offers on its command line, read from its own `k6 version` and
 * `k6 run --help` (docs/engines.md "Real k6 versions" says what each release has and where in
 * k6's source that was read). The harness passes `k6 run` only flags the binary lists, so one
 * adapter drives every release from v0.48 to v2.x:
 *
 *   k6 version ─▶ parseK6Version ─▶ supported? (v0.48.0 ≤ v < v3)
 *   k6 run --help ─▶ parseK6RunHelp ─▶ flags, summary modes ─▶ k6RunArgvFor ─▶ argv
 *   exit code ─▶ mapK6ExitCode ─▶ ours
 */
export interface K6Cli {
  /** `v0.48.0`, `v1.8.1`, `v2.2.0` (pre-release and build suffixes kept). */
  version: string;
  semver: [number, number, number];
  /** Long flag names `k6 run --help` lists (local and global), without `--`. */
  flags: ReadonlySet<string>;
  /** The values `--summary-mode` documents (`compact`, `full`, `legacy` | `disabled`); empty before v1. */
  summaryModes: readonly string[];
}

export const K6_MIN_SUPPORTED: [number, number, number] = [0, 48, 0];
/** The first major the harness has not read: refused until someone checks it (docs/engines.md). */
export const K6_FIRST_UNSUPPORTED_MAJOR = 3;
export const K6_SUPPORTED_RANGE = 'v0.48.0 to v2.x';

/** Flags the harness cannot run without: a binary that lacks one is not supported. */
export const K6_REQUIRED_FLAGS = ['vus', 'duration', 'env', 'tag', 'out', 'summary-export'] as const;

/** `k6 v0.48.0 (go1.19.8, linux/amd64)`, `k6 v1.8.1 (commit/73b044f9f9, go1.25.12, linux/amd64)` (+ `Extensions:` lines). */
export function parseK6Version(text: string): { version: string; semver: [number, number, number] } | undefined {
  const m = /\bk6 (v(\d+)\.(\d+)\.(\d+)[^\s,()]*)/.exec(text);
  if (!m) return undefined;
  return { version: m[1], semver: [Number(m[2]), Number(m[3]), Number(m[4])] };
}

/**
 * The flag names of `k6 run --help` (pflag's usage lines: `  -u, --vus int   ...`, `      --no-summary ...`;
 * long descriptions wrap onto indented lines) and the modes `--summary-mode`'s text names.
 * Deprecated flags are hidden by pflag and so absent here, which is what we want: they go next.
 */
export function parseK6RunHelp(text: string): { flags: Set<string>; summaryModes: string[] } {
  const flags = new Set<string>();
  let summary = '';
  let inSummary = false;
  for (const line of text.split('\n')) {
    const m = /^ {2}(?:-\w, |    )--([a-z0-9][a-z0-9-]*)/.exec(line);
    if (m) {
      flags.add(m[1]);
      inSummary = m[1] === 'summary-mode';
      if (inSummary) summary = line;
    } else if (inSummary && /^\s{10,}\S/.test(line)) {
      summary += ` ${line.trim()}`;
    } else inSummary = false;
  }
  const described = summary.replace(/\(default [^)]*\)/g, '');
  const summaryModes = [...described.matchAll(/"([a-z]+)"/g)].map((x) => x[1]);
  return { flags, summaryModes };
}

/** Both texts of one binary; undefined when `k6 version` names no version. */
export function k6CliFrom(versionText: string, runHelpText: string): K6Cli | undefined {
  const v = parseK6Version(versionText);
  if (!v) return undefined;
  return { ...v, ...parseK6RunHelp(runHelpText) };
}

/** Whether the harness drives this k6, and if not why (with what to do). */
export function k6Support(cli: K6Cli): { ok: true } | { ok: false; reason: string; hint: string } {
  const [major, minor, patch] = cli.semver;
  const cmp = major - K6_MIN_SUPPORTED[0] || minor - K6_MIN_SUPPORTED[1] || patch - K6_MIN_SUPPORTED[2];
  const hint = `install a k6 from ${K6_SUPPORTED_RANGE} (https://grafana.com/docs/k6/latest/set-up/install-k6/) or use --engine builtin`;
  if (cmp < 0) return { ok: false, reason: `k6 ${cli.version} is older than the oldest supported (${K6_SUPPORTED_RANGE})`, hint };
  if (major >= K6_FIRST_UNSUPPORTED_MAJOR) return { ok: false, reason: `k6 ${cli.version} is newer than the newest major the harness was checked against (${K6_SUPPORTED_RANGE})`, hint };
  const missing = K6_REQUIRED_FLAGS.filter((f) => !cli.flags.has(f));
  if (missing.length) return { ok: false, reason: `k6 ${cli.version} run has no ${missing.map((f) => `--${f}`).join(', ')} (per its --help), which the harness needs`, hint };
  return { ok: true };
}

/**
 * What this k6 cannot do of the harness's v1/v2 pass-through flags, each naming the version:
 * `--summary-mode` needs the flag (k6 v1.0+) and the mode among those its help lists (v1.0-v1.2:
 * compact, full, legacy; v1.3+: compact, full, disabled); `--secret-source` needs the flag (v1.0+).
 * `disabled` is what `--no-summary` was before v1.3 (k6's own getSummaryMode maps one onto the
 * other), so a release with either way takes it (`fitArgvToK6` translates).
 */
export function k6ArgsProblems(cli: K6Cli, args: { summaryMode?: string; secretSources?: string[] }): string[] {
  const problems: string[] = [];
  // disabled is taken as --no-summary where the release has no "disabled" mode
  const asNoSummary = args.summaryMode === 'disabled' && noSummaryArgs(cli).length > 0;
  if (args.summaryMode !== undefined && !asNoSummary) {
    if (!cli.flags.has('summary-mode')) problems.push(`k6 ${cli.version} has no --summary-mode (k6 v1.0+ has it)`);
    else if (!cli.summaryModes.includes(args.summaryMode)) problems.push(`k6 ${cli.version} has no summary mode "${args.summaryMode}"; its modes: ${cli.summaryModes.join(', ')}`);
  }
  if (args.secretSources?.length && !cli.flags.has('secret-source')) problems.push(`k6 ${cli.version} has no --secret-source (k6 v1.0+ has it)`);
  return problems;
}

/**
 * How to ask this k6 for "no end-of-test summary": `--summary-mode=disabled` where the help
 * documents that mode (v1.3+, the only way on v2), else `--no-summary` (v0.48 - v1.2), else nothing.
 */
export function noSummaryArgs(cli: K6Cli): string[] {
  if (cli.flags.has('summary-mode') && cli.summaryModes.includes('disabled')) return ['--summary-mode=disabled'];
  if (cli.flags.has('no-summary')) return ['--no-summary'];
  return [];
}

/**
 * Keeps only the flags of `argv` (harness-built, flags before the script path) that `cli` lists,
 * translating the one that moved (`--no-summary` / `--summary-mode disabled`, either way round). Returns the argv and what was dropped, for a
 * warning: a flag silently lost would change a run without anyone knowing.
 */
export function fitArgvToK6(cli: K6Cli, argv: string[]): { argv: string[]; dropped: string[] } {
  const out: string[] = [];
  const dropped: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z0-9-]+)(=.*)?$/.exec(a);
    if (m?.[1] === 'summary-mode' && (m[2] === '=disabled' || (m[2] === undefined && argv[i + 1] === 'disabled')) && !cli.summaryModes.includes('disabled')) {
      const instead = noSummaryArgs(cli);
      out.push(...instead);
      if (m[2] === undefined) i++;
      if (!instead.length) dropped.push(a, ...(m[2] === undefined ? ['disabled'] : []));
      continue;
    }
    if (!m || cli.flags.has(m[1])) {
      out.push(a);
      continue;
    }
    if (m[1] === 'no-summary') {
      const instead = noSummaryArgs(cli);
      out.push(...instead);
      if (!instead.length) dropped.push(a);
      continue;
    }
    dropped.push(a);
    // a value-taking flag's value goes with it (`--summary-mode disabled`); booleans take none
    if (m[2] === undefined && i + 1 < argv.length - 1 && !argv[i + 1].startsWith('-')) dropped.push(argv[++i]);
  }
  return { argv: out, dropped };
}

/**
 * k6's exit codes (errext/exitcodes/codes.go, the same numbers v0.48 to v2.x; 110 added in
 * v1.0) onto ours. k6's own meaning is kept where we have the code; the rest land on the
 * nearest of ours, so CI reads one vocabulary whatever k6 is installed:
 *
 *   97 CloudTestRunFailed   -> 99  a failed result (thresholds, in the cloud)
 *   98 CloudFailedToGetProgress -> 110 infrastructure
 *  102 GenericTimeout       -> 107 a script function ran out of time
 *  103 ScriptStoppedFromRESTAPI -> 105 stopped from outside
 *  106 CannotStartRESTAPI   -> 110 infrastructure (its port)
 *  109 GoPanic              -> 111 a bug (in k6)
 *  110 MarkedAsFailed (v1+) -> 99  exec.test.fail(): a failed result, not our 110 "infrastructure"
 *  255 (-1), other unknowns -> 1   generic
 */
export function mapK6ExitCode(code: number): { code: number; meaning?: string } {
  switch (code) {
    case 0:
    case 1:
    case 99:
    case 100:
    case 101:
    case 104:
    case 105:
    case 107:
    case 108:
      return { code };
    case 97:
      return { code: ExitCode.ThresholdsFailed, meaning: 'CloudTestRunFailed' };
    case 98:
      return { code: ExitCode.InfraFailure, meaning: 'CloudFailedToGetProgress' };
    case 102:
      return { code: ExitCode.ScriptException, meaning: 'GenericTimeout (a script function exceeded its time limit)' };
    case 103:
      return { code: ExitCode.ExternalAbort, meaning: 'ScriptStoppedFromRESTAPI' };
    case 106:
      return { code: ExitCode.InfraFailure, meaning: "CannotStartRESTAPI (k6's REST API address is in use)" };
    case 109:
      return { code: ExitCode.Internal, meaning: 'GoPanic (a bug in k6)' };
    case 110:
      return { code: ExitCode.ThresholdsFailed, meaning: 'MarkedAsFailed (the script called exec.test.fail())' };
    default:
      return { code: ExitCode.GenericError, meaning: code === 255 ? 'a generic k6 error' : 'an exit code k6 does not document' };
  }
}
