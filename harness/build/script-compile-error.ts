import { ExitCode, HarnessError } from '../errors';

/** One compiler message, positions 1-based. */
export interface CompileDiagnostic {
  severity: 'error' | 'warning';
  /** `tsc` for type errors, `esbuild` for syntax, resolution and boundary errors. */
  source: 'tsc' | 'esbuild';
  /** Path relative to the cwd the compile ran in (absolute when outside it); undefined for global messages. */
  file?: string;
  line?: number;
  column?: number;
  message: string;
}

/** `file:line:col message`, the one format every compile problem is reported in. */
export function formatDiagnostic(d: CompileDiagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}` : '';
  return where ? `${where} ${d.message}` : d.message;
}

/**
 * A scenario that does not type-check, parse or resolve. Nothing ran. Exit code 107, as real k6
 * exits for a script it cannot load, so CI tells a broken script (107) from a bad flag or
 * threshold (104) and from an SLO breach (99).
 */
export class ScriptCompileError extends HarnessError {
  readonly diagnostics: CompileDiagnostic[];
  readonly problems: string[];
  constructor(script: string, diagnostics: CompileDiagnostic[], kind: 'type' | 'syntax') {
    const problems = diagnostics.map(formatDiagnostic);
    const n = diagnostics.length;
    super(`${script}: ${n} ${kind === 'type' ? 'type' : 'build'} error${n === 1 ? '' : 's'}; nothing ran\n${problems.map((p) => `  ${p}`).join('\n')}`, {
      exitCode: ExitCode.ScriptException,
      hint:
        kind === 'type'
          ? 'fix the errors above (scenarios are type-checked against @types/k6 before every run)'
          : 'fix the errors above; scenarios may import only k6, k6/*, https:// modules and relative files',
    });
    this.diagnostics = diagnostics;
    this.problems = problems;
  }
}
