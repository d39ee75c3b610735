/**
 * Maps V8 stack frames of the running program back to the user's files:
 *   vm.Script line (wrapper header adds lines) ─transform map─▶ bundle ─esbuild map─▶ original file
 * and formats exceptions the way k6 logs them (`Error: msg\n\tat fn (file:///x.js:5:8(0))\n`).
 */
import { SourceMap } from 'node:module';
import { pathToFileURL } from 'node:url';

export interface OriginalPosition {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
}

export class StackMapper {
  private readonly transform: SourceMap;
  private readonly bundle: SourceMap;

  constructor(
    /** The `filename` given to vm.Script: frames with it are ours. */
    readonly scriptFilename: string,
    /** Lines the wrapper adds before the transformed code. */
    private readonly headerLines: number,
    transformMap: string,
    bundleMap: string,
  ) {
    this.transform = new SourceMap(JSON.parse(transformMap));
    this.bundle = new SourceMap(JSON.parse(bundleMap));
  }

  /** 1-based line/column of the vm.Script to the original file, or null when unmapped. */
  original(line: number, column: number): OriginalPosition | null {
    const t = this.transform.findEntry(line - 1 - this.headerLines, column - 1) as Partial<SourceMapEntry>;
    if (t.originalLine === undefined) return null;
    const b = this.bundle.findEntry(t.originalLine, t.originalColumn!) as Partial<SourceMapEntry>;
    if (b.originalLine === undefined || !b.originalSource) return null;
    return { file: b.originalSource.replace(/^file:\/\//, ''), line: b.originalLine + 1, column: b.originalColumn! + 1 };
  }

  /** A 0-based offset in the bundle (esbuild's output) to the original file, or null. */
  bundleOriginal(code: string, offset: number): OriginalPosition | null {
    const before = code.slice(0, offset);
    const line = before.split('\n').length - 1;
    const b = this.bundle.findEntry(line, offset - (before.lastIndexOf('\n') + 1)) as Partial<SourceMapEntry>;
    if (b.originalLine === undefined || !b.originalSource) return null;
    return { file: b.originalSource.replace(/^file:\/\//, ''), line: b.originalLine + 1, column: b.originalColumn! + 1 };
  }

  /** Frames of the script in the error's stack, mapped (host frames dropped). */
  frames(stack: string): { fn: string; pos: OriginalPosition | null; raw: string }[] {
    const out: { fn: string; pos: OriginalPosition | null; raw: string }[] = [];
    const esc = this.scriptFilename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const withName = new RegExp(`^\\s*at (?:async )?(.*?) \\(${esc}:(\\d+):(\\d+)\\)$`);
    const bare = new RegExp(`^\\s*at (?:async )?${esc}:(\\d+):(\\d+)$`);
    for (const line of stack.split('\n')) {
      let m = withName.exec(line);
      if (m) {
        out.push({ fn: m[1], pos: this.original(+m[2], +m[3]), raw: line });
        continue;
      }
      m = bare.exec(line);
      if (m) out.push({ fn: '', pos: this.original(+m[1], +m[2]), raw: line });
    }
    return out;
  }

  /** First mapped location (`file:line:col`), for one-line messages. */
  location(err: unknown): string | undefined {
    const stack = (err as { stack?: unknown })?.stack;
    if (typeof stack !== 'string') return undefined;
    const f = this.frames(stack).find((x) => x.pos);
    return f?.pos ? `${f.pos.file}:${f.pos.line}:${f.pos.column}` : undefined;
  }

  /** k6's log text for an uncaught exception. */
  formatException(err: unknown): string {
    const head = errorHead(err);
    const stack = (err as { stack?: unknown })?.stack;
    if (typeof stack !== 'string') return head + '\n';
    const lines = this.frames(stack).map((f) => {
      const where = f.pos ? `${pathToFileURL(f.pos.file).href}:${f.pos.line}:${f.pos.column}(0)` : 'native';
      return f.fn ? `\tat ${displayName(f.fn)} (${where})` : `\tat ${where}`;
    });
    return [head, ...lines].join('\n') + '\n';
  }
}

interface SourceMapEntry {
  originalSource: string;
  originalLine: number;
  originalColumn: number;
}

/** esbuild names `export default function` `<file>_default`; k6 shows `default`. */
function displayName(fn: string): string {
  return /_default$/.test(fn) ? 'default' : fn.replace(/^Object\./, '');
}

export function errorHead(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err) {
    const e = err as { name?: unknown; message?: unknown };
    return `${String(e.name ?? 'Error')}: ${String(e.message)}`;
  }
  return String(err);
}
